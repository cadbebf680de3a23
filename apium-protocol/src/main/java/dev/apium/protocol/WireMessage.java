package dev.apium.protocol;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A kombu message as every transport carries it: headers, properties, content type and encoding,
 * and the serialized body bytes. Redis wraps it in a JSON envelope ({@link RedisEnvelope}); AMQP
 * maps it onto basic properties. Immutable; the maps keep their insertion order so that re-encoding
 * keeps Celery's field order.
 *
 * @param headers task headers (AMQP {@code application_headers}; Redis {@code envelope.headers})
 * @param properties message properties ({@code correlation_id}, {@code reply_to}, {@code
 *     priority}...)
 * @param contentType e.g. {@code application/json}
 * @param contentEncoding e.g. {@code utf-8}
 * @param body the serialized body
 */
public record WireMessage(
    Map<String, Object> headers,
    Map<String, Object> properties,
    String contentType,
    String contentEncoding,
    byte[] body) {

  public static final String JSON = "application/json";

  public WireMessage {
    headers = FrozenMap.of(headers);
    properties = FrozenMap.of(properties);
  }

  /** A JSON message with the given body. */
  public static WireMessage json(
      Map<String, Object> headers, Map<String, Object> properties, byte[] body) {
    return new WireMessage(headers, properties, JSON, "utf-8", body);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** A copy with one property replaced (or added). */
  public WireMessage withProperty(String key, Object value) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(properties);
    copy.put(key, value);
    return new WireMessage(headers, FrozenMap.own(copy), contentType, contentEncoding, body);
  }

  /** A copy with one header replaced (or added). */
  public WireMessage withHeader(String key, Object value) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(headers);
    copy.put(key, value);
    return new WireMessage(FrozenMap.own(copy), properties, contentType, contentEncoding, body);
  }

  /** A copy without one header. */
  public WireMessage withoutHeader(String key) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(headers);
    copy.remove(key);
    return new WireMessage(FrozenMap.own(copy), properties, contentType, contentEncoding, body);
  }

  public Object property(String key) {
    return properties.get(key);
  }

  public Object header(String key) {
    return headers.get(key);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WireMessage m
        && headers.equals(m.headers)
        && properties.equals(m.properties)
        && java.util.Objects.equals(contentType, m.contentType)
        && java.util.Objects.equals(contentEncoding, m.contentEncoding)
        && java.util.Arrays.equals(body, m.body);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        headers, properties, contentType, java.util.Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "WireMessage[headers="
        + headers
        + ", properties="
        + properties
        + ", body="
        + bodyText()
        + "]";
  }
}
