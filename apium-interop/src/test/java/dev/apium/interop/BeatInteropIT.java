package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.beat.Beat;
import dev.apium.beat.BeatEntry;
import dev.apium.beat.Schedule;
import dev.apium.protocol.CeleryJson;
import dev.apium.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tasks sent by Apium's beat are ordinary Celery messages: a real Celery 5.2.6 worker runs them
 * with their args, kwargs and options, and Apium reads the results (Redis db 15, own queue).
 */
class BeatInteropIT {
  private static final String REDIS = "redis://127.0.0.1:6379/15";
  private final String queue = "beat-interop-" + UUID.randomUUID();
  private final String schedule = "interop-" + UUID.randomUUID();
  private final SettableClock clock =
      new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final Apium app =
      Apium.builder()
          .withoutEnvironment()
          .broker(REDIS)
          .backend(REDIS)
          .config("task_default_queue", queue)
          .clock(clock)
          .build();
  private final Instant start = clock.instant();
  private final PythonCelery python = new PythonCelery(REDIS, REDIS, queue);

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @AfterEach
  void stop() {
    python.close();
    var store = app.backend().coordination().orElseThrow();
    String base = "apium.beat." + schedule + ".";
    for (String key : new String[] {"last.echo", "last.headers", "leader.fence"}) {
      store.delete(base + key);
    }
    Instant at = start.plusSeconds(10);
    store.delete(base + "fired.echo@" + at);
    store.delete(base + "fired.headers@" + at);
    app.close();
  }

  @Test
  void aPythonWorkerRunsWhatTheBeatSends() throws Exception {
    Beat beat =
        app.beat()
            .name(schedule)
            .entry(
                BeatEntry.of(
                        "echo", Schedule.every(Duration.ofSeconds(10)), "interop.echo", 1, "two")
                    .withKwargs(Map.of("k", "v")))
            .entry(
                BeatEntry.of("headers", Schedule.every(Duration.ofSeconds(10)), "interop.headers")
                    .withPriority(5)
                    .withExpires(Duration.ofHours(1)))
            .build();
    beat.tick(start);
    beat.tick(clock.advance(Duration.ofSeconds(10)));
    beat.stop();
    python.startWorker("beat-py@%h", 2, queue);
    Instant at = start.plusSeconds(10);
    JsonNode echo = CeleryJson.toTree(app.result(taskId("echo@" + at)).get(Duration.ofSeconds(30)));
    assertThat(echo.toString()).isEqualTo("{\"args\":[1,\"two\"],\"kwargs\":{\"k\":\"v\"}}");
    JsonNode headers =
        CeleryJson.toTree(app.result(taskId("headers@" + at)).get(Duration.ofSeconds(30)));
    assertThat(headers.get("priority").asInt()).isEqualTo(5);
    assertThat(headers.get("expires").asText()).isNotEqualTo("None");
  }

  private String taskId(String key) {
    return UUID.nameUUIDFromBytes(
            ("apium.beat." + schedule + "." + key).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
