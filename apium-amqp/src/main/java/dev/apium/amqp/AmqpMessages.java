package dev.apium.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link WireMessage} onto AMQP basic properties the way kombu/py-amqp does (headers in
 * {@code application_headers} with nulls as void and lists as arrays; only real AMQP properties,
 * never the virtual transport's {@code body_encoding}, {@code delivery_tag} or {@code
 * delivery_info}) and back (long strings become Java strings, Celery's header order is restored,
 * RabbitMQ's own {@code x-death} bookkeeping is dropped). Stateless.
 */
final class AmqpMessages {
  /** Celery's header order, restored on read because AMQP tables come back unordered. */
  private static final List<String> HEADER_ORDER = TaskMessageCodec.HEADER_ORDER;

  private AmqpMessages() {}

  /**
   * The AMQP properties of {@code message}; {@code deliveryMode} applies when the message names
   * none; {@code keepExpiration} false drops the per-message TTL (for parked and dead messages).
   */
  static AMQP.BasicProperties properties(
      WireMessage message, int deliveryMode, boolean keepExpiration) {
    Map<String, Object> p = message.properties();
    Map<String, Object> headers = new LinkedHashMap<>();
    message.headers().forEach((k, v) -> headers.put(k, writable(v)));
    Object expiration = keepExpiration ? p.get("expiration") : null;
    return new AMQP.BasicProperties.Builder()
        .contentType(message.contentType())
        .contentEncoding(message.contentEncoding())
        .headers(headers)
        .deliveryMode(integer(p.get("delivery_mode"), deliveryMode))
        .priority(integer(p.get("priority"), null))
        .correlationId(text(p.get("correlation_id")))
        .replyTo(text(p.get("reply_to")))
        .expiration(text(expiration))
        .messageId(text(p.get("message_id")))
        .type(text(p.get("type")))
        .appId(text(p.get("app_id")))
        .build();
  }

  /** The message RabbitMQ delivered, as every transport hands it to core. */
  static WireMessage wire(AMQP.BasicProperties props, byte[] body) {
    Map<String, Object> raw = props.getHeaders() == null ? Map.of() : props.getHeaders();
    Map<String, Object> headers = new LinkedHashMap<>(capacity(raw.size()));
    for (String key : HEADER_ORDER) {
      Object value = raw.get(key);
      if (value != null) {
        headers.put(key, readable(value));
      } else if (raw.containsKey(key)) {
        headers.put(key, null);
      }
    }
    if (headers.size() < raw.size()) {
      raw.forEach(
          (k, v) -> {
            if (!headers.containsKey(k) && !isDeathBookkeeping(k)) {
              headers.put(k, readable(v));
            }
          });
    }
    Map<String, Object> p = new LinkedHashMap<>(16);
    putIfSet(p, "correlation_id", props.getCorrelationId());
    putIfSet(p, "reply_to", props.getReplyTo());
    putIfSet(p, "delivery_mode", props.getDeliveryMode());
    putIfSet(p, "priority", props.getPriority());
    putIfSet(p, "expiration", props.getExpiration());
    putIfSet(p, "message_id", props.getMessageId());
    putIfSet(p, "type", props.getType());
    putIfSet(p, "app_id", props.getAppId());
    if (props.getTimestamp() != null) {
      p.put("timestamp", props.getTimestamp().getTime() / 1000);
    }
    return new WireMessage(
        headers,
        p,
        props.getContentType(),
        props.getContentEncoding(),
        body == null ? new byte[0] : body);
  }

  /** RabbitMQ's own dead-lettering headers, which are not the task's. */
  private static boolean isDeathBookkeeping(String key) {
    return key.startsWith("x-")
        && (key.equals("x-death")
            || key.startsWith("x-first-death")
            || key.startsWith("x-last-death"));
  }

  /** A HashMap capacity that holds {@code n} entries without resizing. */
  private static int capacity(int n) {
    return n < 3 ? n + 1 : (int) (n / 0.75f) + 1;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** A value amqp-client's table writer accepts, keeping nulls (void) and lists (arrays). */
  static Object writable(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Double
        || value instanceof Float
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Boolean
        || value instanceof Date
        || value instanceof byte[]
        || value instanceof LongString) {
      return value;
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.doubleValue();
    }
    if (value instanceof JsonNode node) {
      return writable(CeleryJson.MAPPER.convertValue(node, Object.class));
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> table = new LinkedHashMap<>();
      map.forEach((k, v) -> table.put(String.valueOf(k), writable(v)));
      return table;
    }
    if (value instanceof Iterable<?> items) {
      List<Object> array = new ArrayList<>();
      items.forEach(item -> array.add(writable(item)));
      return array;
    }
    if (value instanceof Object[] items) {
      return writable(Arrays.asList(items));
    }
    return value.toString();
  }

  /** A plain Java value: strings for long strings, lists and ordered maps all the way down. */
  static Object readable(Object value) {
    if (value instanceof LongString text) {
      return text.toString();
    }
    if (value instanceof List<?> items) {
      List<Object> list = new ArrayList<>(items.size());
      items.forEach(item -> list.add(readable(item)));
      return list;
    }
    if (value instanceof Object[] items) {
      return readable(Arrays.asList(items));
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), readable(v)));
      return out;
    }
    return value;
  }

  private static Integer integer(Object value, Integer fallback) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    if (value instanceof String s && !s.isBlank()) {
      return Integer.valueOf(s.trim());
    }
    return fallback;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
