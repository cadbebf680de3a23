package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
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
    return new String(write(message, null, null, null), StandardCharsets.UTF_8);
  }

  /**
   * The envelope of a publish as the UTF-8 bytes that are sent, in kombu's property order: the
   * message's own properties (less the four below), then {@code delivery_info {exchange,
   * routing_key}}, {@code priority} (the message's, else 0), {@code body_encoding: base64} and
   * {@code delivery_tag}. The body's base64 is copied once into the output, with no map copied, no
   * string built and no object serializer.
   */
  public static byte[] encodeForPublishUtf8(
      WireMessage message, String exchange, String routingKey, String deliveryTag) {
    return write(message, exchange, routingKey, deliveryTag);
  }

  /**
   * The envelope is written as {@code {"body":"<base64>",} followed by the rest, which {@link
   * JsonBytes} writes as an object of its own (a few hundred bytes) whose opening brace is dropped:
   * the body's base64, the bulk of the bytes, is copied once into the one array that is sent.
   */
  private static byte[] write(
      WireMessage message, String exchange, String routingKey, String deliveryTag) {
    byte[] rest = rest(message, exchange, routingKey, deliveryTag);
    byte[] text = Base64.getEncoder().encode(message.body());
    byte[] out = new byte[BODY_OPEN.length + text.length + 2 + rest.length - 1];
    System.arraycopy(BODY_OPEN, 0, out, 0, BODY_OPEN.length);
    int at = BODY_OPEN.length;
    System.arraycopy(text, 0, out, at, text.length);
    at += text.length;
    out[at++] = '"';
    out[at++] = ',';
    System.arraycopy(rest, 1, out, at, rest.length - 1);
    return out;
  }

  static final byte[] BODY_OPEN = "{\"body\":\"".getBytes(StandardCharsets.US_ASCII);

  private static final JsonBytes.Name CONTENT_ENCODING = JsonBytes.Name.of("content-encoding");
  private static final JsonBytes.Name CONTENT_TYPE = JsonBytes.Name.of("content-type");
  private static final JsonBytes.Name HEADERS = JsonBytes.Name.of("headers");
  private static final JsonBytes.Name PROPERTIES = JsonBytes.Name.of("properties");
  private static final JsonBytes.Name DELIVERY_INFO = JsonBytes.Name.of("delivery_info");
  private static final JsonBytes.Name EXCHANGE = JsonBytes.Name.of("exchange");
  private static final JsonBytes.Name ROUTING_KEY = JsonBytes.Name.of("routing_key");
  private static final JsonBytes.Name PRIORITY = JsonBytes.Name.of("priority");
  private static final JsonBytes.Name BODY_ENCODING = JsonBytes.Name.of("body_encoding");
  private static final JsonBytes.Name DELIVERY_TAG = JsonBytes.Name.of("delivery_tag");

  /** Everything but the body, as a JSON object of its own. */
  static byte[] rest(WireMessage message, String exchange, String routingKey, String deliveryTag) {
    boolean publish = deliveryTag != null;
    JsonBytes out = new JsonBytes(512);
    out.startObject();
    out.field(CONTENT_ENCODING, message.contentEncoding());
    out.field(CONTENT_TYPE, message.contentType());
    out.fieldName(HEADERS);
    out.value(message.headers());
    out.fieldName(PROPERTIES);
    out.startObject();
    for (Map.Entry<String, Object> property : message.properties().entrySet()) {
      String name = property.getKey();
      if (publish) {
        switch (name) {
          case "delivery_info", "priority", "body_encoding", "delivery_tag" -> {
            continue;
          }
          default -> {}
        }
      } else if (name.equals("body_encoding")) {
        continue;
      }
      out.field(name, property.getValue());
    }
    if (publish) {
      out.fieldName(DELIVERY_INFO);
      out.startObject();
      out.field(EXCHANGE, exchange);
      out.field(ROUTING_KEY, routingKey);
      out.endObject();
      out.continueObject();
      out.fieldName(PRIORITY);
      Object priority = message.property("priority");
      out.value(priority == null ? 0 : priority);
    }
    out.field(BODY_ENCODING, "base64");
    if (publish) {
      out.field(DELIVERY_TAG, deliveryTag);
    }
    out.endObject();
    out.continueObject();
    out.endObject();
    return out.toByteArray();
  }

  /**
   * Reads an envelope. A missing or null {@code body_encoding} means the body is the raw text, as
   * kombu accepts; any other encoding than base64 is rejected (it crashes Celery's consumer).
   *
   * @throws MalformedMessageException naming the fault: bad JSON, bad base64, unknown encoding
   */
  public static WireMessage decode(String text) {
    return decode(text, false);
  }

  /**
   * Reads an envelope in one streaming pass (no JSON tree): headers and properties go straight into
   * maps. With {@code requireHeaders}, an envelope whose {@code headers} is not an object is
   * malformed too (what a task consumer needs).
   *
   * @throws MalformedMessageException naming the fault
   */
  @SuppressWarnings("unchecked")
  public static WireMessage decode(String text, boolean requireHeaders) {
    String body = null;
    JsonNode oddBody = null;
    boolean hasBody = false;
    LinkedHashMap<String, Object> headers = null;
    LinkedHashMap<String, Object> properties = null;
    String contentType = null;
    String contentEncoding = null;
    // Parsed as UTF-8 bytes: the task's body is parsed from bytes too, so one of Jackson's parsers
    // (not also its char-based one) is compiled and kept hot; the copy is a bulk one for ASCII
    // text.
    try (JsonParser p =
        CeleryJson.MAPPER.getFactory().createParser(text.getBytes(StandardCharsets.UTF_8))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        throw new MalformedMessageException(
            "not a kombu envelope (no 'body'): " + abbreviate(CeleryJson.parse(text)));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "body" -> {
            hasBody = true;
            body = null;
            oddBody = null;
            if (value == JsonToken.VALUE_STRING) {
              body = p.getText();
            } else if (value == JsonToken.VALUE_NULL) {
              oddBody = com.fasterxml.jackson.databind.node.NullNode.getInstance();
            } else {
              oddBody = p.readValueAsTree();
            }
          }
          case "headers" -> headers = value == JsonToken.START_OBJECT ? readMap(p) : skip(p);
          case "properties" -> properties = value == JsonToken.START_OBJECT ? readMap(p) : skip(p);
          case "content-type" -> contentType = scalar(p, value);
          case "content-encoding" -> contentEncoding = scalar(p, value);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new MalformedMessageException("not valid JSON: trailing content after the envelope");
      }
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("not valid JSON: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new MalformedMessageException("envelope unreadable: " + e.getMessage(), e);
    }
    if (!hasBody) {
      throw new MalformedMessageException(
          "not a kombu envelope (no 'body'): " + abbreviate(CeleryJson.parse(text)));
    }
    if (requireHeaders && headers == null) {
      throw new MalformedMessageException("envelope has no 'headers' object");
    }
    if (oddBody != null) {
      throw new MalformedMessageException(
          "envelope 'body' must be a string (base64 text), got: " + abbreviate(oddBody));
    }
    Object encoding = properties == null ? null : properties.get("body_encoding");
    // The maps readMap has just built, handed over as they are (no copy in WireMessage).
    return new WireMessage(
        headers == null ? Map.of() : FrozenMap.own(headers),
        properties == null ? Map.of() : FrozenMap.own(properties),
        contentType,
        contentEncoding,
        bodyBytes(body, encoding == null ? null : encoding.toString()));
  }

  /**
   * The object the parser stands at, read token by token into the values Jackson's untyped reading
   * gives ({@code LinkedHashMap}, {@code ArrayList}, {@code String}, {@code Integer}/{@code
   * Long}/{@code BigInteger}, {@code Double}, {@code Boolean}, null), without going through
   * databind: every consumed message's headers and properties pass here, and a new worker's JIT
   * compiles this in a fraction of what inlining databind's entry path into {@link #decode} cost
   * (two C2 compiles of 0.4 s each inside a fresh worker's first seconds of work). The parser's
   * nesting limit bounds the recursion.
   */
  private static LinkedHashMap<String, Object> readMap(JsonParser p) throws java.io.IOException {
    LinkedHashMap<String, Object> map = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      map.put(name, readValue(p, p.nextToken()));
    }
    return map;
  }

  private static Object readValue(JsonParser p, JsonToken token) throws java.io.IOException {
    if (token == null) {
      throw new MalformedMessageException("not valid JSON: the envelope ends inside a value");
    }
    return switch (token) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_OBJECT -> readMap(p);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
          list.add(readValue(p, item));
        }
        yield list;
      }
      default -> throw new MalformedMessageException("not valid JSON: unexpected " + token);
    };
  }

  private static LinkedHashMap<String, Object> skip(JsonParser p) throws java.io.IOException {
    p.skipChildren();
    return null;
  }

  private static String scalar(JsonParser p, JsonToken value) throws java.io.IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value.isScalarValue()) {
      return p.getText();
    }
    p.skipChildren();
    return "";
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
    return new WireMessage(
        map(envelope.get("headers")),
        map(properties),
        text(envelope, "content-type"),
        text(envelope, "content-encoding"),
        bodyBytes(bodyNode.textValue(), encoding));
  }

  private static byte[] bodyBytes(String bodyText, String encoding) {
    if (encoding == null) {
      return bodyText.getBytes(StandardCharsets.UTF_8);
    }
    if (encoding.equals("base64")) {
      try {
        // Line breaks are allowed (Python's encodebytes); any other stray character is an error.
        String compact =
            hasWhitespace(bodyText) ? WHITESPACE.matcher(bodyText).replaceAll("") : bodyText;
        return Base64.getDecoder().decode(compact);
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException(
            "envelope body is not valid base64: " + e.getMessage(), e);
      }
    }
    throw new MalformedMessageException(
        "unknown body_encoding '" + encoding + "': send 'base64' or leave the key out");
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
