package dev.apium.jdbc;

import dev.apium.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test messages: a task-like WireMessage with an id header. */
final class Messages {
  private Messages() {}

  static WireMessage task(String id) {
    return task(id, null, "[[1, 2], {}, {}]");
  }

  static WireMessage task(String id, Integer priority, String body) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("lang", "py");
    headers.put("task", "tests.add");
    headers.put("id", id);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("correlation_id", id);
    if (priority != null) {
      properties.put("priority", priority);
    }
    return WireMessage.json(headers, properties, body.getBytes(StandardCharsets.UTF_8));
  }

  static String id(WireMessage message) {
    return (String) message.header("id");
  }
}
