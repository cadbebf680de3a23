package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.protocol.Stamps;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.3+'s stamping on memory://: a stamped signature, every step of a stamped chain, every
 * member and the body of a stamped chord, a retried task and a stamped callback run with {@code
 * stamped_headers} / {@code stamps} in their messages; the date_done of results is timezone-aware.
 */
class StampingTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private final Apium app = TestApps.memory();
  private final Map<String, Map<String, Object>> seen = new ConcurrentHashMap<>();
  private Worker worker;

  @BeforeEach
  void start() {
    app.register(
        "s.add",
        call -> {
          remember(call, "add-" + call.arg(0, Integer.class));
          return call.arg(0, Integer.class) + call.arg(1, Integer.class);
        });
    app.register(
        "s.sum",
        call -> {
          remember(call, "sum");
          return call.arg(0, List.class).stream().mapToInt(n -> ((Number) n).intValue()).sum();
        });
    app.register(
        "s.flaky",
        call -> {
          remember(call, "flaky-" + call.context().retries());
          if (call.context().retries() == 0) {
            throw call.context().retry(Duration.ZERO, new IllegalStateException("once more"));
          }
          return "ok";
        });
    worker = app.worker().concurrency(2).start();
  }

  private void remember(TaskCall call, String tag) {
    seen.put(tag, Stamps.of(call.context().headers()));
  }

  @AfterEach
  void stop() {
    worker.stopNow();
    app.close();
  }

  @Test
  void stampedSignatureAndItsCallbackCarryTheStamps() {
    Signature sig =
        app.signature("s.add", 1, 2).link(app.signature("s.add", 100)).stamp("tenant", "acme");
    assertThat(sig.delay().get(WAIT)).isEqualTo(3);
    assertThat(seen.get("add-1")).isEqualTo(Map.of("tenant", "acme"));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.containsKey("add-3"));
    assertThat(seen.get("add-3")).isEqualTo(Map.of("tenant", "acme"));
  }

  @Test
  void stampsSurviveARetry() {
    assertThat(app.signature("s.flaky").stamp("tenant", "acme").delay().get(WAIT)).isEqualTo("ok");
    assertThat(seen.get("flaky-0")).isEqualTo(Map.of("tenant", "acme"));
    assertThat(seen.get("flaky-1")).isEqualTo(Map.of("tenant", "acme"));
  }

  @Test
  void everyStepOfAStampedChainCarriesTheStamp() {
    Chain chain =
        Chain.of(app.signature("s.add", 1, 1), app.signature("s.add", 10)).stamp("batch", 7);
    assertThat(chain.delay().get(WAIT)).isEqualTo(12);
    assertThat(seen.get("add-1")).isEqualTo(Map.of("batch", 7));
    assertThat(seen.get("add-2")).isEqualTo(Map.of("batch", 7));
  }

  @Test
  void chordMembersAndBodyCarryTheStamp() {
    Chord chord =
        Chord.of(
                List.of(app.signature("s.add", 20, 1), app.signature("s.add", 30, 1)),
                app.signature("s.sum"))
            .stamp("run", "r1");
    assertThat(chord.delay().get(WAIT)).isEqualTo(52);
    assertThat(seen.get("add-20")).isEqualTo(Map.of("run", "r1"));
    assertThat(seen.get("add-30")).isEqualTo(Map.of("run", "r1"));
    assertThat(seen.get("sum")).isEqualTo(Map.of("run", "r1"));
  }

  @Test
  void celerysOwnHeaderNamesAreNotStamps() {
    assertThatThrownBy(() -> app.signature("s.add").stamp("stamps", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choose another stamp name");
  }

  @Test
  void dateDoneIsAwareInTheAppsTimezoneOrNaiveOnRequest() {
    java.time.Instant done = java.time.Instant.parse("2026-12-04T15:11:56.431910Z");
    assertThat(new ResultDates(ApiumConfig.of(Map.of())).dateDone(done))
        .isEqualTo("2026-12-04T15:11:56.431910+00:00");
    assertThat(new ResultDates(ApiumConfig.of(Map.of("timezone", "Europe/Paris"))).dateDone(done))
        .isEqualTo("2026-12-04T16:11:56.431910+01:00");
    assertThat(new ResultDates(ApiumConfig.of(Map.of(ResultDates.NAIVE, "true"))).dateDone(done))
        .isEqualTo("2026-12-04T15:11:56.431910");
    assertThatThrownBy(() -> new ResultDates(ApiumConfig.of(Map.of("timezone", "Mars/Olympus"))))
        .hasMessageContaining("not a time zone");
  }
}
