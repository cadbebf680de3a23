package dev.apium.protocol;

import static dev.apium.protocol.Captures.text;
import static dev.apium.protocol.Captures.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Celery 5.3–5.6 changed on the wire (§11): the stamping headers of a 5.6.3 task message read
 * and re-encode in its order, Apium's stamped messages use the same form, and {@code date_done} is
 * written timezone-aware as 5.6.3 stores it.
 */
class Celery56GoldenTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:13:08Z");

  @Test
  void celery56HeadersRoundTripInCelerysOrder() {
    WireMessage wire = RedisEnvelope.decode(text("11-celery56-redis-envelope.json"));
    TaskMessage decoded = TaskMessageCodec.decode(wire);
    WireMessage again = TaskMessageCodec.encode(decoded, NOW);
    assertThat(tree(again.headers())).isEqualTo(tree(wire.headers()));
    assertThat(List.copyOf(again.headers().keySet()))
        .endsWith("ignore_result", "replaced_task_nesting", "stamped_headers", "stamps")
        .containsExactlyElementsOf(wire.headers().keySet());
    assertThat(Stamps.of(decoded.extraHeaders())).isEmpty();
    assertThat(Stamps.replacedTaskNesting(decoded.extraHeaders())).isZero();
  }

  @Test
  void unstampedHeadersAreCelery56Defaults() {
    WireMessage wire = RedisEnvelope.decode(text("11-celery56-redis-envelope.json"));
    Map<String, Object> tail = new LinkedHashMap<>();
    wire.headers().entrySet().stream()
        .skip(wire.headers().size() - 3L)
        .forEach(e -> tail.put(e.getKey(), e.getValue()));
    assertThat(tree(Stamps.headers(Map.of(), 0))).isEqualTo(tree(tail));
    assertThat(List.copyOf(Stamps.headers(Map.of(), 0).keySet()))
        .containsExactlyElementsOf(tail.keySet());
  }

  @Test
  void stampedMessageCarriesNamesAndValuesAfterIgnoreResult() {
    Map<String, Object> stamps = new LinkedHashMap<>();
    stamps.put("tenant", "acme");
    stamps.put("batch", 7);
    TaskMessage m =
        TaskMessage.builder("spec.add", "24747c8c-c515-4307-8762-0000000000aa")
            .headers(Stamps.headers(stamps, 0))
            .build();
    WireMessage wire = TaskMessageCodec.encode(m, NOW);
    assertThat(CeleryJson.write(wire.headers()))
        .endsWith(
            "\"ignore_result\":false,\"replaced_task_nesting\":0,"
                + "\"stamped_headers\":[\"tenant\",\"batch\"],"
                + "\"stamps\":{\"tenant\":\"acme\",\"batch\":7}}");
    TaskMessage back = TaskMessageCodec.decode(wire);
    assertThat(Stamps.of(back.extraHeaders())).isEqualTo(stamps);
  }

  @Test
  void dateDoneIsTimezoneAwareInTheAppsZone() {
    Instant done = Instant.parse("2026-12-04T15:11:56.431910Z");
    // §11.2: 5.6.3 stores "2026-12-04T15:11:56.431910+00:00" (UTC app), +01:00 for Europe/Paris
    assertThat(CeleryJson.dateDone(done, ZoneOffset.UTC))
        .isEqualTo("2026-12-04T15:11:56.431910+00:00");
    assertThat(CeleryJson.dateDone(done, ZoneId.of("Europe/Paris")))
        .isEqualTo("2026-12-04T16:11:56.431910+01:00");
    assertThat(CeleryJson.dateDone(Instant.parse("2026-12-04T15:11:56Z"), ZoneId.of("UTC")))
        .isEqualTo("2026-12-04T15:11:56+00:00");
    assertThat(CeleryJson.dateDone(done, ZoneId.of("America/St_Johns")))
        .isEqualTo("2026-12-04T11:41:56.431910-03:30");
    ResultMeta meta = ResultMeta.success("id-1", tree(5), done).dateDoneIn(done, ZoneOffset.UTC);
    assertThat(CeleryJson.parse(meta.toBytes()).get("date_done").asText())
        .isEqualTo("2026-12-04T15:11:56.431910+00:00");
    assertThat(CeleryJson.parseInstant(meta.dateDone())).isEqualTo(done);
  }
}
