package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Small HTML helpers for the server-rendered pages: escaping, URL encoding, the page frame with its
 * navigation, times and state badges. Stateless; called from HTTP threads.
 */
final class Html {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Html() {}

  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s =
        value instanceof JsonNode n
            ? (n.isTextual() ? n.asText() : n.isNull() ? "" : n.toString())
            : value.toString();
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String url(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  static String time(JsonNode epochSeconds) {
    if (epochSeconds == null || !epochSeconds.isNumber() || epochSeconds.asDouble() == 0) {
      return "";
    }
    return TIME.format(Instant.ofEpochMilli(Math.round(epochSeconds.asDouble() * 1000)));
  }

  static String badge(String state) {
    String s = state == null ? "" : state;
    return "<span class=\"state state-"
        + esc(s.toLowerCase(Locale.ROOT))
        + "\">"
        + esc(s)
        + "</span>";
  }

  static String shorten(JsonNode value, int max) {
    String s =
        value == null || value.isNull()
            ? ""
            : value.isTextual() ? value.asText() : value.toString();
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** The whole page: head, navigation (current one marked), a flash line for action results. */
  static String page(String title, String active, boolean loggedIn, String body) {
    StringBuilder nav = new StringBuilder();
    for (String[] item :
        new String[][] {
          {"overview", "/", "Overview"},
          {"workers", "/workers", "Workers"},
          {"tasks", "/tasks", "Tasks"},
          {"queues", "/queues", "Queues"},
          {"dead", "/dead", "Dead letters"},
          {"beat", "/beat", "Beat"}
        }) {
      nav.append("<a href=\"")
          .append(item[1])
          .append('"')
          .append(item[0].equals(active) ? " class=\"active\"" : "")
          .append('>')
          .append(item[2])
          .append("</a>");
    }
    String who =
        loggedIn
            ? "<form method=\"post\" action=\"/logout\" class=\"who\"><button id=\"logout\">Log out</button></form>"
            : "<a class=\"who\" id=\"login-link\" href=\"/login\">Log in</a>";
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + esc(title)
        + " · Apium dashboard</title><link rel=\"stylesheet\" href=\"/static/dashboard.css\">"
        + "<script src=\"/static/dashboard.js\" defer></script></head><body>"
        + "<header><span class=\"brand\">Apium</span><nav>"
        + nav
        + "</nav><span id=\"live\" class=\"live\" title=\"live updates\">●</span>"
        + who
        + "</header><main><div id=\"flash\" role=\"status\"></div><h1>"
        + esc(title)
        + "</h1>"
        + body
        + "</main></body></html>";
  }
}
