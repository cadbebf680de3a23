package dev.apium.bench;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a round trip's time goes (issue 22): sequential {@code stage.probe} calls whose task body
 * returns {@link System#nanoTime()} as it starts. On Linux that clock is {@code CLOCK_MONOTONIC},
 * shared by every process of the machine, so one call splits into: client send until the broker
 * confirmed it ({@code publish}), send until the task body started on the worker ({@code to
 * worker}: encode, push, the worker's wake-up, pop and hand-off to a pool thread), and task start
 * until {@code get()} returned here ({@code back}: result write, publish, the client's wake-up).
 * Run by {@code bench/tools/stages}; the worker loads {@link Tasks} with {@code -A}.
 * Single-threaded.
 */
public final class StageTiming {
  static final String PROBE = "stage.probe";

  /** The worker side: {@code apium worker -A dev.apium.bench.StageTiming$Tasks}. */
  public static final class Tasks implements Consumer<Apium> {
    @Override
    public void accept(Apium app) {
      new BenchTasks().accept(app);
      app.register(PROBE, call -> System.nanoTime());
    }
  }

  private StageTiming() {}

  public static void main(String[] argv) {
    if (argv.length < 4) {
      System.err.println("usage: StageTiming <broker> <backend> <n> <warmup>");
      System.exit(2);
    }
    int n = Integer.parseInt(argv[2]);
    int warmup = Integer.parseInt(argv[3]);
    Duration wait = Duration.ofSeconds(30);
    try (Apium app =
        Apium.builder().withoutEnvironment().broker(argv[0]).backend(argv[1]).build()) {
      for (int i = 0; i < warmup; i++) {
        app.send(PROBE).get(wait);
      }
      long[] publish = new long[n];
      long[] toWorker = new long[n];
      long[] back = new long[n];
      long[] total = new long[n];
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        AsyncResult<Object> result = app.send(PROBE);
        result.published().join();
        long confirmed = System.nanoTime();
        long started = ((Number) result.get(wait)).longValue();
        long end = System.nanoTime();
        publish[i] = confirmed - start;
        toWorker[i] = started - start;
        back[i] = end - started;
        total[i] = end - start;
      }
      System.out.println("stage                          p50 ms   p90 ms   p99 ms");
      print("send until broker confirmed", publish);
      print("send until task body started", toWorker);
      print("task body start until get()", back);
      print("round trip", total);
    }
  }

  private static void print(String name, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    System.out.printf(
        Locale.ROOT,
        "%-30s %7.3f  %7.3f  %7.3f%n",
        name,
        sorted[n / 2] / 1e6,
        sorted[(int) (n * 0.9)] / 1e6,
        sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6);
  }
}
