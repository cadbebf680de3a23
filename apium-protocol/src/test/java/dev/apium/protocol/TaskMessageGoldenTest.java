package dev.apium.protocol;

import static dev.apium.protocol.Captures.celeryProperties;
import static dev.apium.protocol.Captures.json;
import static dev.apium.protocol.Captures.redisTask;
import static dev.apium.protocol.Captures.tree;
import static dev.apium.protocol.Captures.withBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Task messages captured from Celery 5.2.6 decode to the expected model and re-encode to the same
 * headers, body and properties (compared as JSON trees).
 */
class TaskMessageGoldenTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:13:08Z");

  /** Decodes, re-encodes and checks headers (values and Celery's order), body and properties. */
  private static TaskMessage assertRoundTrip(WireMessage wire, Instant now) {
    TaskMessage decoded = TaskMessageCodec.decode(wire);
    WireMessage again = TaskMessageCodec.encode(decoded, now);
    assertThat(tree(again.headers())).isEqualTo(tree(wire.headers()));
    assertThat(again.headers().keySet()).containsExactlyElementsOf(wire.headers().keySet());
    assertThat(CeleryJson.parse(again.body())).isEqualTo(CeleryJson.parse(wire.body()));
    assertThat(tree(again.properties())).isEqualTo(tree(celeryProperties(wire)));
    assertThat(again.contentType()).isEqualTo("application/json");
    assertThat(again.contentEncoding()).isEqualTo("utf-8");
    return decoded;
  }

  @Test
  void captureARedisTaskEnvelope() {
    WireMessage wire = redisTask();
    assertThat(wire.bodyText())
        .isEqualTo(
            "[[2, 3], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\":"
                + " null}]");
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.protocol()).isEqualTo(2);
    assertThat(m.task()).isEqualTo("spec.add");
    assertThat(m.id()).isEqualTo("df2435a7-cf43-421a-b623-088aec35f69b");
    assertThat(m.rootId()).isEqualTo(m.id());
    assertThat(m.parentId()).isNull();
    assertThat(m.lang()).isEqualTo("py");
    assertThat(m.shadow()).isNull();
    assertThat(m.eta()).isNull();
    assertThat(m.expires()).isNull();
    assertThat(m.group()).isNull();
    assertThat(m.groupIndex()).isNull();
    assertThat(m.retries()).isZero();
    assertThat(m.hardTimeLimit()).isNull();
    assertThat(m.softTimeLimit()).isNull();
    assertThat(m.args()).isEqualTo(CeleryJson.parse("[2, 3]"));
    assertThat(m.kwargs()).isEmpty();
    assertThat(m.argsRepr()).isEqualTo("(2, 3)");
    assertThat(m.kwargsRepr()).isEqualTo("{}");
    assertThat(m.origin()).isEqualTo("gen8124@vm");
    assertThat(m.ignoreResult()).isFalse();
    assertThat(m.extraHeaders()).isEmpty();
    assertThat(m.embed()).isEqualTo(Embed.NONE);
    assertThat(m.replyTo()).isEqualTo("dd50e9fa-87ed-32c8-ac1c-5869d33c4bd8");
    assertThat(m.priority()).isZero();
  }

  @Test
  void captureAEnvelopeReencodesToTheSameEnvelope() {
    String text = Captures.text("A-redis-envelope.json");
    String again = RedisEnvelope.encode(RedisEnvelope.decode(text));
    assertThat(CeleryJson.parse(again)).isEqualTo(CeleryJson.parse(text));
  }

  @Test
  void captureAChainHeadKeepsTheReversedChain() {
    WireMessage wire = withBody(redisTask(), Captures.text("A-chain-head-body.json"));
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.args()).isEqualTo(CeleryJson.parse("[1, 2]"));
    assertThat(m.embed().chain())
        .extracting(Signature::taskId)
        .containsExactly(
            "d7661d7c-c630-4f71-8804-10616503afe5", "8628d745-e564-42ff-a6c2-951b989c18da");
    Signature last = m.embed().chain().get(0);
    assertThat(last.task()).isEqualTo("spec.add");
    assertThat(last.args()).isEqualTo(CeleryJson.parse("[100]"));
    assertThat(last.option("reply_to")).isEqualTo("dd50e9fa-87ed-32c8-ac1c-5869d33c4bd8");
    assertThat(last.subtaskType()).isNull();
    assertThat(last.immutable()).isFalse();
    assertThat(m.embed().chain().get(1).args()).isEqualTo(CeleryJson.parse("[10]"));
    assertThat(m.embed().callbacks()).isNull();
    assertThat(m.embed().chord()).isNull();
  }

  @Test
  void captureAChordHeaderMemberCarriesGroupAndBody() {
    WireMessage wire =
        withBody(
            redisTask()
                .withHeader("group", "77bae7de-2d7f-40ad-94cf-1fd4ef7b67fc")
                .withHeader("group_index", 1),
            Captures.text("A-chord-member-body.json"));
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.group()).isEqualTo("77bae7de-2d7f-40ad-94cf-1fd4ef7b67fc");
    assertThat(m.groupIndex()).isEqualTo(1);
    Signature body = m.embed().chord();
    assertThat(body.task()).isEqualTo("spec.tsum");
    assertThat(body.taskId()).isEqualTo("cf3654b3-8d63-4942-8125-08681c6b4428");
    assertThat(body.args()).isEmpty();
    assertThat(body.immutable()).isFalse();
    assertThat(m.embed().chain()).isNull();
  }

  @Test
  void captureALinksKeepTheirImmutableFlags() {
    String embed = Captures.text("A-links-embed.json");
    WireMessage wire = withBody(redisTask(), "[[2, 3], {}, " + embed + "]");
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.embed().callbacks())
        .singleElement()
        .satisfies(
            link -> {
              assertThat(link.task()).isEqualTo("spec.add");
              assertThat(link.args()).isEqualTo(CeleryJson.parse("[1]"));
              assertThat(link.options()).isEmpty();
              assertThat(link.immutable()).isFalse();
            });
    assertThat(m.embed().errbacks())
        .singleElement()
        .satisfies(
            link -> {
              assertThat(link.task()).isEqualTo("spec.fail");
              assertThat(link.args()).isEqualTo(CeleryJson.parse("[\"errback\"]"));
              assertThat(link.immutable()).isTrue();
            });
    assertThat(m.embed().toJson()).isEqualTo(CeleryJson.parse(embed));
  }

  @Test
  void captureACountdownEtaKeepsItsMicroseconds() {
    JsonNode times = json("A-time-headers.json").get("countdown");
    WireMessage wire = redisTask().withHeader("eta", times.get("eta").asText());
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:13:23.947820Z"));
  }

  @Test
  void captureAEtaAndExpiresGiveTheExpirationProperty() {
    JsonNode times = json("A-time-headers.json").get("eta_expires");
    WireMessage wire =
        redisTask()
            .withHeader("eta", times.get("eta").asText())
            .withHeader("expires", times.get("expires").asText())
            .withProperty("expiration", times.get("expiration").asText());
    Instant expires = Instant.parse("2026-11-24T11:12:53.948952Z");
    TaskMessage m = assertRoundTrip(wire, expires.minus(Duration.ofHours(1)));
    assertThat(m.eta()).isEqualTo(Instant.parse("2030-01-01T12:00:00Z"));
    assertThat(m.expires()).isEqualTo(expires);
  }

  @Test
  void captureAUnackedEntryHoldsTheEnvelopeExchangeAndRoutingKey() {
    JsonNode entry = json("A-unacked-entry.json");
    assertThat(entry.get(1).asText()).isEmpty();
    assertThat(entry.get(2).asText()).isEqualTo("celery");
    WireMessage wire = RedisEnvelope.decode(entry.get(0));
    assertThat(wire.property("delivery_tag")).isEqualTo("f8cb2aaf-586a-42ad-a0bf-2ec89a024df5");
    TaskMessage m = assertRoundTrip(wire, NOW);
    assertThat(m.eta()).isEqualTo(Instant.parse("2030-01-01T12:00:00Z"));
    assertThat(m.args()).isEqualTo(CeleryJson.parse("[1, 2]"));
  }

  @Test
  void captureEAmqpMessageWithPriorityEtaAndExpires() {
    JsonNode capture = json("E-amqp-message.json");
    JsonNode props = capture.get("properties");
    Map<String, Object> properties = new LinkedHashMap<>();
    props
        .properties()
        .forEach(
            field -> {
              if (!field.getKey().startsWith("content_")
                  && !field.getKey().equals("application_headers")) {
                properties.put(
                    field.getKey(), CeleryJson.MAPPER.convertValue(field.getValue(), Object.class));
              }
            });
    @SuppressWarnings("unchecked")
    Map<String, Object> headers =
        CeleryJson.MAPPER.convertValue(props.get("application_headers"), LinkedHashMap.class);
    WireMessage wire =
        new WireMessage(
            headers,
            properties,
            props.get("content_type").asText(),
            props.get("content_encoding").asText(),
            capture.get("body").asText().getBytes(StandardCharsets.UTF_8));
    Instant expires = Instant.parse("2026-11-24T10:16:28.457266Z");
    TaskMessage m = assertRoundTrip(wire, expires.minusSeconds(120));
    assertThat(m.task()).isEqualTo("spec.add");
    assertThat(m.id()).isEqualTo("5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:15:28.457266Z"));
    assertThat(m.expires()).isEqualTo(expires);
    assertThat(m.priority()).isEqualTo(7);
    assertThat(m.replyTo()).isEqualTo("0d341d1e-69a1-3ed6-82b7-dd764de62b23");
    assertThat(m.origin()).isEqualTo("gen13393@vm");
    assertThat(m.argsRepr()).isEqualTo("(1, 1)");
  }

  @Test
  void captureFRetriedMessage() {
    WireMessage wire = RedisEnvelope.decode(Captures.text("F-retry-envelope.json"));
    assertThat(wire.property("replaced_task_nesting")).isEqualTo(0);
    assertThat(wire.property("origin")).isEqualTo("gen8811@vm");
    // The retry's extra execution options travel as properties; a Java codec does not resend them.
    WireMessage withoutOptions =
        new WireMessage(
            wire.headers(),
            withoutKeys(wire.properties(), "replaced_task_nesting", "origin"),
            wire.contentType(),
            wire.contentEncoding(),
            wire.body());
    TaskMessage m = assertRoundTrip(withoutOptions, NOW);
    assertThat(m.task()).isEqualTo("spec.retrying");
    assertThat(m.retries()).isEqualTo(2);
    assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:13:33.781144Z"));
    assertThat(m.parentId()).isEqualTo(m.id());
    assertThat(m.rootId()).isEqualTo(m.id());
    assertThat(m.origin()).isEqualTo("gen8812@vm");
    assertThat(m.replyTo()).isEqualTo("7b284ff3-…");
    assertThat(m.argsRepr()).isEqualTo("()");
  }

  private static Map<String, Object> withoutKeys(Map<String, Object> map, String... keys) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    for (String key : keys) {
      copy.remove(key);
    }
    return copy;
  }

  @Test
  void protocolOneBodyDictDecodes() {
    WireMessage wire =
        new WireMessage(
            Map.of(),
            redisTask().properties(),
            "application/json",
            "utf-8",
            Captures.text("v1-body-plain.json").getBytes(StandardCharsets.UTF_8));
    TaskMessage m = TaskMessageCodec.decode(wire);
    assertThat(m.protocol()).isEqualTo(1);
    assertThat(m.task()).isEqualTo("spec.add");
    assertThat(m.id()).isEqualTo("0b9a3e4c-5f1d-4c1e-9d0a-6f2e8c7b1a20");
    assertThat(m.args()).isEqualTo(CeleryJson.parse("[2, 3]"));
    assertThat(m.kwargs()).isEmpty();
    assertThat(m.argsRepr()).isEqualTo("(2, 3)");
    assertThat(m.group()).isNull();
    assertThat(m.groupIndex()).isNull();
    assertThat(m.eta()).isNull();
    assertThat(m.rootId()).isEqualTo(m.id());
    assertThat(m.embed()).isEqualTo(Embed.NONE);
    assertThat(m.replyTo()).isEqualTo("dd50e9fa-87ed-32c8-ac1c-5869d33c4bd8");
  }

  @Test
  void protocolOneFullBodyDictDecodesAndReencodesAsVersionTwo() {
    WireMessage wire =
        new WireMessage(
            Map.of(),
            Map.of("correlation_id", "3c1f2d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f", "priority", 3),
            "application/json",
            "utf-8",
            Captures.text("v1-body-full.json").getBytes(StandardCharsets.UTF_8));
    TaskMessage m = TaskMessageCodec.decode(wire);
    assertThat(m.protocol()).isEqualTo(1);
    assertThat(m.args()).isEqualTo(CeleryJson.parse("[4]"));
    assertThat(m.kwargs()).isEqualTo(CeleryJson.parse("{\"y\": 5}"));
    assertThat(m.kwargsRepr()).isEqualTo("{'y': 5}");
    assertThat(m.group()).isEqualTo("77bae7de-2d7f-40ad-94cf-1fd4ef7b67fc");
    assertThat(m.groupIndex()).isEqualTo(1);
    assertThat(m.retries()).isEqualTo(1);
    assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:13:23.947820Z"));
    assertThat(m.expires()).isEqualTo(Instant.parse("2026-11-24T11:12:53.948952Z"));
    assertThat(m.hardTimeLimit()).isEqualTo(10.0);
    assertThat(m.softTimeLimit()).isEqualTo(5.5);
    assertThat(m.priority()).isEqualTo(3);
    assertThat(m.embed().callbacks()).extracting(Signature::task).containsExactly("spec.add");
    assertThat(m.embed().chord().taskId()).isEqualTo("cf3654b3-8d63-4942-8125-08681c6b4428");
    assertThat(m.embed().chain()).isNull();

    WireMessage v2 = TaskMessageCodec.encode(m, Instant.parse("2026-11-24T10:12:53.948952Z"));
    assertThat(v2.header("task")).isEqualTo("spec.add");
    assertThat(v2.header("timelimit")).isEqualTo(java.util.Arrays.asList(10L, 5.5));
    assertThat(v2.header("eta")).isEqualTo("2026-11-24T10:13:23.947820+00:00");
    assertThat(v2.property("expiration")).isEqualTo("3600000");
    TaskMessage again = TaskMessageCodec.decode(v2);
    assertThat(again.protocol()).isEqualTo(2);
    assertThat(TaskMessageCodec.encode(again, NOW).headers())
        .isEqualTo(TaskMessageCodec.encode(m, NOW).headers());
    assertThat(again.embed()).isEqualTo(m.embed());
  }
}
