package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.apium.protocol.CeleryJson;
import java.io.PrintStream;
import java.util.Map;

/**
 * Prints remote-control replies as Celery's CLI does: {@code -> node: OK} (or {@code ERROR})
 * followed by the reply ({@code ok}/{@code error} text indented 8 spaces, anything else as indented
 * JSON), then {@code N node(s) online.}; or one JSON document with {@code --json}. Stateless.
 */
final class Replies {
  /** Exit status when no worker answered (Celery's {@code EX_UNAVAILABLE}). */
  static final int NO_REPLY = 69;

  private Replies() {}

  /** Prints the replies; returns the exit status (69 with an error line when none came). */
  static int print(Map<String, JsonNode> replies, boolean json, boolean list, PrintStream out) {
    if (replies.isEmpty()) {
      System.err.println(
          "Error: No nodes replied within time constraint (is a worker running on this broker?"
              + " try a longer --timeout)");
      return NO_REPLY;
    }
    if (json) {
      String doc = CeleryJson.write(replies);
      out.println(list ? "[" + doc + "]" : doc);
      return 0;
    }
    replies.forEach((node, reply) -> out.print(text(node, reply)));
    out.println();
    out.println(replies.size() + (replies.size() == 1 ? " node" : " nodes") + " online.");
    return 0;
  }

  static String text(String node, JsonNode reply) {
    boolean error = reply != null && reply.isObject() && reply.has("error");
    StringBuilder s = new StringBuilder("->  " + node + ": " + (error ? "ERROR" : "OK") + "\n");
    if (reply == null || reply.isNull()) {
      s.append("    None\n");
    } else if (reply.isObject() && reply.size() == 1 && (reply.has("ok") || error)) {
      String text = (error ? reply.get("error") : reply.get("ok")).asText();
      text.lines().forEach(line -> s.append("        ").append(line).append('\n'));
    } else if (!(reply.isArray() && reply.isEmpty())) {
      pretty(reply).lines().forEach(line -> s.append("    ").append(line).append('\n'));
    } else {
      s.append("    - empty -\n");
    }
    return s.toString();
  }

  private static String pretty(JsonNode node) {
    try {
      return CeleryJson.MAPPER
          .copy()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return node.toString();
    }
  }
}
