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
