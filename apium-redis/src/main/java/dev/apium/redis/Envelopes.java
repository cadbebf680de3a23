package dev.apium.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.RedisEnvelope;
import dev.apium.protocol.Uuid4;
import dev.apium.protocol.WireMessage;
import java.util.Map;

/**
 * Writes and rewrites kombu envelopes: properties in kombu's order ({@code ...caller's,
 * delivery_info, priority, body_encoding, delivery_tag}) on publish, the {@code redelivered} flags
 * on restore, and strict reading on consume. Stateless; called from any thread.
 */
final class Envelopes {
  private Envelopes() {}

  /**
   * A new envelope for a publish, with a fresh UUID4 {@code delivery_tag}, as the UTF-8 bytes that
   * are sent: LPUSH takes them as they are, with no string decoded here and encoded again, a
   * character at a time, on the connection's event loop.
   */
  static byte[] writeUtf8(WireMessage message, String exchange, String routingKey) {
    return RedisEnvelope.encodeForPublishUtf8(message, exchange, routingKey, Uuid4.next());
  }

  /**
   * Reads a popped envelope. Besides what {@link RedisEnvelope#decode} rejects, an envelope without
   * a {@code headers} object is malformed.
   */
  static WireMessage read(String raw) {
    return RedisEnvelope.decode(raw, true);
  }

  /** The envelope with kombu's restore marks: {@code headers.redelivered} and delivery_info's. */
  static String redelivered(JsonNode envelope) {
    ObjectNode copy = (ObjectNode) envelope.deepCopy();
    if (copy.path("headers").isObject()) {
      ((ObjectNode) copy.get("headers")).put("redelivered", true);
    } else {
      copy.putObject("headers").put("redelivered", true);
    }
    ObjectNode properties =
        copy.path("properties").isObject()
            ? (ObjectNode) copy.get("properties")
            : copy.putObject("properties");
    ObjectNode info =
        properties.path("delivery_info").isObject()
            ? (ObjectNode) properties.get("delivery_info")
            : properties.putObject("delivery_info");
    info.put("redelivered", true);
    return CeleryJson.write(copy);
  }

  static boolean isRedelivered(WireMessage message) {
    if (Boolean.TRUE.equals(message.header("redelivered"))) {
      return true;
    }
    return message.property("delivery_info") instanceof Map<?, ?> info
        && Boolean.TRUE.equals(info.get("redelivered"));
  }

  /** A dead-letter record: reason, queue, delivery tag, time, and the raw envelope text. */
  static String deadRecord(String reason, String queue, String tag, String raw) {
    ObjectNode record = CeleryJson.object();
    record.put("reason", reason);
    record.put("queue", queue);
    record.put("delivery_tag", tag);
    record.put("dead_at", java.math.BigDecimal.valueOf(System.currentTimeMillis(), 3));
    record.put("raw", raw);
    return CeleryJson.write(record);
  }

  /**
   * Whether a binding's routing key takes a message's: equal, or a topic pattern ({@code *} one
   * word, {@code #} any words) that matches.
   */
  static boolean routes(String bindingKey, String routingKey) {
    if (bindingKey.equals(routingKey)) {
      return true;
    }
    if (!bindingKey.contains("*") && !bindingKey.contains("#")) {
      return false;
    }
    StringBuilder regex = new StringBuilder();
    for (String word : bindingKey.split("\\.", -1)) {
      if (regex.length() > 0) {
        regex.append("\\.");
      }
      regex.append(
          switch (word) {
            case "#" -> ".*";
            case "*" -> "[^.]*";
            default -> java.util.regex.Pattern.quote(word);
          });
    }
    return routingKey.matches(regex.toString().replace("\\..*", "(\\..*)?"));
  }
}
