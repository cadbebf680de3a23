package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Chord#streaming}: a header pulled one task at a time still joins exactly once. */
class StreamingChordTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  private final Apium app = TestApps.memory();
  private final AtomicInteger bodies = new AtomicInteger();
  private Worker worker;

  @BeforeEach
  void start() {
    app.register(new MathTasks());
    app.register(
        "t.fail",
        call -> {
          throw new TaskError("ValueError", call.arg(0, String.class));
        });
    app.register(
        "t.total",
        call -> {
          bodies.incrementAndGet();
          return call.arg(0, List.class).stream().mapToLong(x -> ((Number) x).longValue()).sum();
        });
    worker = app.worker().concurrency(4).start();
  }

  @AfterEach
  void stop() {
    worker.stopNow();
    app.close();
  }

  @Test
  void aHeaderPulledThroughABoundedWindowJoinsOnceWithEveryResult() {
    int size = 500;
    int window = 8;
    Semaphore slots = new Semaphore(window);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Iterator<Signature> header =
        IntStream.range(0, size)
            .mapToObj(
                i -> {
                  acquire(slots);
                  most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  String id = UUID.randomUUID().toString();
                  app.result(id)
                      .toCompletableFuture()
                      .whenComplete(
                          (r, e) -> {
                            inFlight.decrementAndGet();
                            slots.release();
                          });
                  return app.signature("math.add", i, i).taskId(id);
                })
            .iterator();

    AsyncResult<Long> total =
        Chord.streaming(size, header, app.signature("t.total")).delay(Long.class);

    assertThat(total.get(WAIT)).isEqualTo(2L * size * (size - 1) / 2);
    assertThat(bodies).hasValue(1);
    assertThat(most.get()).isBetween(1, window);
  }

  @Test
  void aFailedHeaderTaskFailsTheBodyWithChordError() {
    Iterator<Signature> header =
        List.of(
                app.signature("math.add", 1, 1),
                app.signature("t.fail", "row 7 is bad").taskId("bad-part"),
                app.signature("math.add", 2, 2))
            .iterator();

    AsyncResult<Long> total =
        Chord.streaming(3, header, app.signature("t.total")).delay(Long.class);

    assertThatThrownBy(() -> total.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e ->
                assertThat(e.remoteMessage())
                    .isEqualTo("Dependency bad-part raised ValueError('row 7 is bad')"));
    assertThat(bodies).hasValue(0);
  }

  @Test
  void aHeaderShorterOrLongerThanDeclaredIsRefusedWithTheFix() {
    Iterator<Signature> two =
        List.of(app.signature("math.add", 1, 1), app.signature("math.add", 2, 2)).iterator();
    assertThatThrownBy(() -> Chord.streaming(3, two, app.signature("t.total")).delay(Long.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("yielded 2 of the 3 tasks declared")
        .hasMessageContaining("count the header before sending it");

    AtomicInteger pulled = new AtomicInteger();
    Iterator<Signature> endless =
        IntStream.iterate(0, i -> i + 1)
            .mapToObj(
                i -> {
                  pulled.incrementAndGet();
                  return app.signature("math.add", i, i);
                })
            .iterator();
    assertThatThrownBy(
            () -> Chord.streaming(2, endless, app.signature("t.total")).delay(Long.class))
        .hasMessageContaining("yields more than the 2 tasks declared");
    assertThat(pulled).hasValue(3);
    assertThatThrownBy(() -> Chord.streaming(0, endless, app.signature("t.total")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void acquire(Semaphore slots) {
    try {
      if (!slots.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no header result within " + WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
