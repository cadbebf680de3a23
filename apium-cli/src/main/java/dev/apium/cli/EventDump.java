package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.PythonRepr;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Formats monitoring events as {@code celery events --dump} prints them: {@code host [UTC time]
 * type: task(id) args=.. kwargs=.. field=value, ...}, with Celery's names for worker events ({@code
 * started}, {@code heartbeat}, {@code shutdown}) and task names remembered from {@code
 * task-received} / {@code task-sent}. Called from one transport thread.
 */
final class EventDump {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private final Map<String, String> taskNames = new ConcurrentHashMap<>();

  String format(JsonNode event) {
    Map<String, JsonNode> fields = new TreeMap<>();
    event.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
    double ts = number(fields.remove("timestamp"));
    String type = text(fields.remove("type")).toLowerCase();
    String hostname = text(fields.remove("hostname"));
    long micros = Math.round(ts * 1e6);
    String time =
        TIME.format(
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000));
    String task = "";
    if (type.startsWith("task-")) {
      String uuid = text(fields.remove("uuid"));
      if (type.equals("task-received") || type.equals("task-sent")) {
        task =
            text(fields.remove("name"))
                + "("
                + uuid
                + ") args="
                + text(fields.remove("args"))
                + " kwargs="
                + text(fields.remove("kwargs"));
        taskNames.put(uuid, task);
      } else {
        task = taskNames.getOrDefault(uuid, "");
      }
    }
    StringBuilder values = new StringBuilder();
    fields.forEach(
        (k, v) -> {
          if (values.length() > 0) {
            values.append(", ");
          }
          values.append(k).append('=').append(value(v));
        });
    String sep = values.length() > 0 ? ":" : "";
    return hostname
        + " ["
        + time
        + "] "
        + human(type)
        + sep
        + " "
        + (type.startsWith("task-") ? task + " " : "")
        + values;
  }

  static String human(String type) {
    return switch (type) {
      case "worker-offline" -> "shutdown";
      case "worker-online" -> "started";
      case "worker-heartbeat" -> "heartbeat";
      default -> type.replace('-', ' ');
    };
  }

  private static String value(JsonNode v) {
    if (v == null || v.isNull()) {
      return "None";
    }
    if (v.isTextual()) {
      return v.asText();
    }
    return PythonRepr.of(v);
  }

  private static String text(JsonNode v) {
    return v == null || v.isNull() ? "None" : v.isTextual() ? v.asText() : v.toString();
  }

  private static double number(JsonNode v) {
    return v == null ? 0 : v.asDouble();
  }
}
