package dev.apium;

import dev.apium.spi.Transports;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the secrets of a broker or backend URL out of error messages: transports and the URL
 * parsers under them quote the raw text (or pieces of a password they misread as a host or port),
 * so a message about a URL is rewritten with the URL masked ({@link Transports#mask}) and every
 * piece of its password replaced by {@code ***}. Stateless; called where an app opens a transport.
 */
final class Secrets {
  private static final Pattern QUERY_SECRET =
      Pattern.compile(
          "(?i)[?&;#](?:password|passwd|pass|pwd|secret|token|sasl_password|ssl_keyfile_password)=");
  private static final Pattern DELIMITERS = Pattern.compile("[/@:?#&=;%\\[\\]\\s]+");

  private Secrets() {}

  /** The message with the URL masked and no piece (3+ characters) of its password left. */
  static String scrub(String message, String url) {
    if (message == null || url == null) {
      return message;
    }
    String out = message.replace(url, Transports.mask(url));
    for (String piece : pieces(url)) {
      out = out.replace(piece, "***");
    }
    return out;
  }

  /** A copy of the exception with a scrubbed message and no cause (causes quote the URL too). */
  static RuntimeException scrubbed(RuntimeException e, String url) {
    String message = scrub(String.valueOf(ApiumText.oneLine(e)), url);
    if (message.equals(e.getMessage()) && e.getCause() == null) {
      return e;
    }
    if (e instanceof dev.apium.spi.BrokerException) {
      return new dev.apium.spi.BrokerException(message);
    }
    if (e instanceof IllegalArgumentException) {
      return new IllegalArgumentException(message);
    }
    return new IllegalStateException(message);
  }

  static List<String> pieces(String url) {
    List<String> secrets = new ArrayList<>();
    Matcher query = QUERY_SECRET.matcher(url);
    String head = url;
    if (query.find()) {
      secrets.add(url.substring(query.end()));
      head = url.substring(0, query.start());
    }
    int scheme = head.indexOf("://");
    int start = scheme >= 0 ? scheme + 3 : 0;
    int at = head.lastIndexOf('@');
    if (at >= start) {
      String userinfo = head.substring(start, at);
      int colon = userinfo.indexOf(':');
      secrets.add(colon >= 0 ? userinfo.substring(colon + 1) : userinfo);
    }
    List<String> pieces = new ArrayList<>();
    for (String secret : secrets) {
      add(pieces, secret);
      try {
        add(pieces, URLDecoder.decode(secret, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // not percent-encoded: the raw pieces are enough
      }
    }
    pieces.sort(Comparator.comparingInt(String::length).reversed());
    return pieces;
  }

  private static void add(List<String> pieces, String secret) {
    if (secret.length() >= 3) {
      pieces.add(secret);
    }
    for (String piece : DELIMITERS.split(secret)) {
      if (piece.length() >= 3) {
        pieces.add(piece);
      }
    }
  }
}
