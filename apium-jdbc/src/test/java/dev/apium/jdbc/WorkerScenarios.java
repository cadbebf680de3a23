package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.apium.Apium;
import dev.apium.Canvas;
import dev.apium.Chord;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real worker engine on this module's broker and backend: a task and a chord end to end.
 * Subclasses say where the database is.
 */
abstract class WorkerScenarios {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private Apium app;
  private Worker worker;

  abstract String url();

  abstract Map<String, String> settings();

  @BeforeEach
  void start() {
    Apium.Builder builder = Apium.builder().withoutEnvironment().broker(url()).backend(url());
    settings().forEach(builder::config);
    app = builder.build();
    app.register("t.add", call -> call.arg(0, Integer.class) + call.arg(1, Integer.class));
    app.register(
        "t.sum",
        call -> call.arg(0, new TypeReference<List<Integer>>() {}).stream().mapToInt(i -> i).sum());
    worker = app.worker().concurrency(4).start();
  }

  @AfterEach
  void stop() {
    worker.stopNow();
    app.close();
  }

  @Test
  void taskRoundTripThroughTheWorker() {
    assertThat(app.send("t.add", 2, 3).get(WAIT)).isEqualTo(5);
  }

  @Test
  void chordBodyRunsOnceWithEveryHeaderResult() {
    List<Canvas> header =
        IntStream.range(0, 12).mapToObj(i -> (Canvas) app.signature("t.add", i, i)).toList();
    assertThat(Chord.of(header, app.signature("t.sum")).delay(Integer.class).get(WAIT))
        .isEqualTo(132);
  }
}
