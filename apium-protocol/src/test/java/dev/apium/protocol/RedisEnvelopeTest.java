package dev.apium.protocol;

import static dev.apium.protocol.Captures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** kombu's Redis envelope: body encodings, faults, and the pidbox envelopes of capture D. */
class RedisEnvelopeTest {
  private static final String BODY =
      "[[2, 3], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";

  private static ObjectNode envelope() {
    return (ObjectNode) json("A-redis-envelope.json");
  }

  private static ObjectNode rawBody(ObjectNode envelope) {
    envelope.put("body", BODY);
    return envelope;
  }

  /**
   * Headers and properties read token by token hold exactly what Jackson's untyped reading of the
   * same JSON gives (types included: Integer, Long, BigInteger, Double, nested maps and lists), for
   * seeded random headers; and the envelope text is read the same way from a String as a tree.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
  void headersReadTokenByTokenEqualJacksonsUntypedReading(long seed) throws Exception {
    java.util.Random random = new java.util.Random(seed);
    ObjectNode envelope = envelope();
    ObjectNode headers = (ObjectNode) envelope.get("headers");
    for (int i = 0; i < 8; i++) {
      headers.set("x-" + i, randomValue(random, 3));
    }
    String text = CeleryJson.MAPPER.writeValueAsString(envelope);
    WireMessage wire = RedisEnvelope.decode(text, true);
    Object expected =
        CeleryJson.MAPPER.readValue(headers.toString(), java.util.LinkedHashMap.class);
    assertThat(wire.headers()).isEqualTo(expected);
    for (String key : wire.headers().keySet()) {
      Object value = wire.headers().get(key);
      Object jackson = ((java.util.Map<?, ?>) expected).get(key);
      assertThat(value == null ? null : value.getClass())
          .as(key)
          .isEqualTo(jackson == null ? null : jackson.getClass());
    }
    assertThat(wire.properties())
        .isEqualTo(
            CeleryJson.MAPPER.readValue(
                envelope.get("properties").toString(), java.util.LinkedHashMap.class));
    assertThat(wire.bodyText()).isEqualTo(RedisEnvelope.decode(envelope).bodyText());
  }

  private static JsonNode randomValue(java.util.Random random, int depth) {
    var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    return switch (random.nextInt(depth > 0 ? 10 : 8)) {
      case 0 -> f.textNode("t\u00e9xt \"" + random.nextInt(1000) + "\"\n");
      case 1 -> f.numberNode(random.nextInt());
      case 2 -> f.numberNode(random.nextLong());
      case 3 -> f.numberNode(new java.math.BigInteger(80, random));
      case 4 -> f.numberNode(random.nextDouble() * 1e6);
      case 5 -> f.booleanNode(random.nextBoolean());
      case 6 -> f.nullNode();
      case 7 -> f.textNode("");
      case 8 -> {
        var array = f.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth - 1));
        }
        yield array;
      }
      default -> {
        var object = f.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set("k" + i, randomValue(random, depth - 1));
        }
        yield object;
      }
    };
  }

  @Test
  void truncatedHeadersAreMalformed() throws Exception {
    String text = CeleryJson.MAPPER.writeValueAsString(envelope());
    int cut = text.indexOf("\"headers\"") + 40;
    assertThatThrownBy(() -> RedisEnvelope.decode(text.substring(0, cut), true))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void base64BodyIsDecoded() {
    assertThat(RedisEnvelope.decode(envelope()).bodyText()).isEqualTo(BODY);
  }

  @Test
  void missingBodyEncodingMeansRawText() {
    ObjectNode envelope = rawBody(envelope());
    ((ObjectNode) envelope.get("properties")).remove("body_encoding");
    WireMessage wire = RedisEnvelope.decode(envelope);
    assertThat(wire.bodyText()).isEqualTo(BODY);
    assertThat(TaskMessageCodec.decode(wire).args()).isEqualTo(CeleryJson.parse("[2, 3]"));
  }

  @Test
  void nullBodyEncodingMeansRawText() {
    ObjectNode envelope = rawBody(envelope());
    ((ObjectNode) envelope.get("properties")).putNull("body_encoding");
    assertThat(RedisEnvelope.decode(envelope).bodyText()).isEqualTo(BODY);
  }

  @Test
  void utf8BodyEncodingIsRejectedWithTheFix() {
    ObjectNode envelope = rawBody(envelope());
    ((ObjectNode) envelope.get("properties")).put("body_encoding", "utf-8");
    assertThatThrownBy(() -> RedisEnvelope.decode(envelope))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'utf-8'")
        .hasMessageContaining("base64");
  }

  @Test
  void badBase64IsRejected() {
    ObjectNode envelope = envelope();
    envelope.put("body", "W1syLCAzXS!!not base64");
    assertThatThrownBy(() -> RedisEnvelope.decode(envelope))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void base64WithLineBreaksIsAccepted() {
    ObjectNode envelope = envelope();
    String body = Base64.getMimeEncoder().encodeToString(BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(body).contains("\r\n");
    envelope.put("body", body);
    assertThat(RedisEnvelope.decode(envelope).bodyText()).isEqualTo(BODY);
  }

  @Test
  void badEnvelopeJsonIsRejected() {
    assertThatThrownBy(() -> RedisEnvelope.decode("{\"body\": \"W1s"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("JSON");
  }

  @Test
  void anEnvelopeWithoutBodyIsRejected() {
    assertThatThrownBy(() -> RedisEnvelope.decode("{\"headers\": {}}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("body");
  }

  @Test
  void aNonTextBodyIsRejected() {
    assertThatThrownBy(() -> RedisEnvelope.decode("{\"body\": [1, 2], \"properties\": {}}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("body");
  }

  @Test
  void badBodyJsonIsRejectedByTheCodec() {
    ObjectNode envelope = envelope();
    envelope.put(
        "body", Base64.getEncoder().encodeToString("[[2, 3], {".getBytes(StandardCharsets.UTF_8)));
    WireMessage wire = RedisEnvelope.decode(envelope);
    assertThatThrownBy(() -> TaskMessageCodec.decode(wire))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not valid JSON");
  }

  /** Capture D shows {@code <base64>}; the body is built from its {@code body(decoded)}. */
  private static ObjectNode pidbox(String capture) {
    ObjectNode envelope = (ObjectNode) json(capture);
    JsonNode decoded = envelope.remove("body(decoded)");
    envelope.put("body", Base64.getEncoder().encodeToString(CeleryJson.writeBytes(decoded)));
    return envelope;
  }

  @Test
  void captureDPidboxPingRequest() {
    ObjectNode envelope = pidbox("D-pidbox-ping-request.json");
    WireMessage wire = RedisEnvelope.decode(envelope);
    assertThat(wire.header("clock")).isEqualTo(1);
    assertThat(((Number) wire.header("expires")).doubleValue()).isEqualTo(1795515214.7941592);
    assertThat(wire.property("delivery_mode")).isEqualTo(2);
    JsonNode body = CeleryJson.parse(wire.body());
    assertThat(body.get("method").asText()).isEqualTo("ping");
    assertThat(body.get("destination").isNull()).isTrue();
    assertThat(body.at("/reply_to/routing_key").asText())
        .isEqualTo("8c419503-55f0-3d49-97e9-5aea644fec2d");
    assertThat(CeleryJson.parse(RedisEnvelope.encode(wire))).isEqualTo(envelope);
    assertThatThrownBy(() -> TaskMessageCodec.decode(wire))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("no 'task' header");
  }

  @Test
  void captureDPidboxPingReply() {
    ObjectNode envelope = pidbox("D-pidbox-ping-reply.json");
    WireMessage wire = RedisEnvelope.decode(envelope);
    assertThat(wire.header("ticket")).isEqualTo("925f3653-6577-48dc-8ab2-af4508ea0a9b");
    assertThat(wire.property("delivery_mode")).isEqualTo(1);
    assertThat(CeleryJson.parse(wire.body()).at("/spec@vm/ok").asText()).isEqualTo("pong");
    assertThat(CeleryJson.parse(RedisEnvelope.encode(wire))).isEqualTo(envelope);
  }
}
