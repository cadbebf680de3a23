package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kombu's virtual-transport envelope, the JSON document stored in Redis lists, the {@code unacked}
 * hash and PUBLISHed on fan-out channels: {@code {"body": base64, "content-encoding",
 * "content-type", "headers", "properties"}}. Stateless; called from any thread.
 */
public final class RedisEnvelope {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private RedisEnvelope() {}

  /**
   * The envelope text. The message's properties are written as given, plus {@code body_encoding:
   * base64}; callers add {@code delivery_info} and {@code delivery_tag} before encoding.
   */
  public static String encode(WireMessage message) {
    // Maps written straight to text: a JSON tree in between would serialize every value twice.
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("body", Base64.getEncoder().encodeToString(message.body()));
    envelope.put("content-encoding", message.contentEncoding());
    envelope.put("content-type", message.contentType());
    envelope.put("headers", message.headers());
    Map<String, Object> properties = new LinkedHashMap<>(message.properties());
    properties.put("body_encoding", "base64");
    envelope.put("properties", properties);
    return CeleryJson.write(envelope);
  }

  /**
   * Reads an envelope. A missing or null {@code body_encoding} means the body is the raw text, as
   * kombu accepts; any other encoding than base64 is rejected (it crashes Celery's consumer).
   *
   * @throws MalformedMessageException naming the fault: bad JSON, bad base64, unknown encoding
   */
  public static WireMessage decode(String text) {
    JsonNode envelope = CeleryJson.parse(text);
    return decode(envelope);
  }

  public static WireMessage decode(JsonNode envelope) {
    if (!envelope.isObject() || !envelope.has("body")) {
      throw new MalformedMessageException(
          "not a kombu envelope (no 'body'): " + abbreviate(envelope));
    }
    JsonNode properties = envelope.path("properties");
    String encoding =
        properties.hasNonNull("body_encoding") ? properties.get("body_encoding").asText() : null;
    JsonNode bodyNode = envelope.get("body");
    if (!bodyNode.isTextual()) {
      throw new MalformedMessageException(
          "envelope 'body' must be a string (base64 text), got: " + abbreviate(bodyNode));
    }
    String bodyText = bodyNode.textValue();
    byte[] body;
    if (encoding == null) {
      body = bodyText.getBytes(StandardCharsets.UTF_8);
    } else if (encoding.equals("base64")) {
      try {
        // Line breaks are allowed (Python's encodebytes); any other stray character is an error.
        String compact =
            hasWhitespace(bodyText) ? WHITESPACE.matcher(bodyText).replaceAll("") : bodyText;
        body = Base64.getDecoder().decode(compact);
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException(
            "envelope body is not valid base64: " + e.getMessage(), e);
      }
    } else {
      throw new MalformedMessageException(
          "unknown body_encoding '" + encoding + "': send 'base64' or leave the key out");
    }
    return new WireMessage(
        map(envelope.get("headers")),
        map(properties),
        text(envelope, "content-type"),
        text(envelope, "content-encoding"),
        body);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode node) {
    if (node == null || !node.isObject()) {
      return new LinkedHashMap<>();
    }
    try {
      // treeToValue reads the tree directly; convertValue would serialize it to a buffer first.
      return CeleryJson.MAPPER.treeToValue(node, LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("envelope map unreadable: " + e.getMessage(), e);
    }
  }

  /** True if the text has a character {@code \\s} matches (only Python's encodebytes adds any). */
  private static boolean hasWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\u000B') {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String abbreviate(JsonNode node) {
    return TaskMessageCodec.abbreviate(node);
  }
}
