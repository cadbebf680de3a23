package dev.apium.bench;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Apium side of {@code bench/run}: one client process that runs one workload and prints one
 * JSON line per measured run ({@code {"rate":...}} or {@code {"p50_ms":...,"p99_ms":...}}) on
 * stdout. Usage: {@code BenchClient <broker> <backend> <workload> <n> <warmup> <runs> [args...]}
 * with workload enqueue (each send waits for the broker: {@code task_publish_sync=true}),
 * enqueue-pipelined (the default pipelined sends), enqueue-bulk, fill (start-file end-file [io
 * URL]), load (queues N no-ops and leaves them), rtt, e2e or gray (DIR of PNGs: {@code
 * images.grayscale} on each, results collected). Single-threaded; closes the app on exit.
 */
public final class BenchClient {
  static final int BATCH = 1000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Apium app;
  private final String queue;

  private BenchClient(Apium app) {
    this.app = app;
    this.queue = "celery";
  }

  public static void main(String[] argv) {
    if (argv.length < 6) {
      System.err.println(
          "usage: BenchClient <broker> <backend>"
              + " enqueue|enqueue-pipelined|enqueue-bulk|fill|load|rtt|e2e|gray <n> <warmup>"
              + " <runs> [start-file end-file [io URL] | picture-dir]");
      System.exit(2);
    }
    Apium.Builder builder = Apium.builder().withoutEnvironment().broker(argv[0]).backend(argv[1]);
    if (argv[2].equals("enqueue")) {
      builder.config(dev.apium.ApiumConfig.TASK_PUBLISH_SYNC, true);
    }
    Apium app = builder.build();
    new BenchTasks().accept(app);
    int n = Integer.parseInt(argv[3]);
    int warmup = Integer.parseInt(argv[4]);
    int runs = Integer.parseInt(argv[5]);
    try (app) {
      BenchClient client = new BenchClient(app);
      switch (argv[2]) {
        case "enqueue", "enqueue-pipelined" -> client.enqueue(n, warmup, runs, false);
        case "enqueue-bulk" -> client.enqueue(n, warmup, runs, true);
        case "fill" ->
            client.fill(
                n,
                warmup,
                argv[6],
                argv[7],
                argv.length > 9 && argv[8].equals("io") ? argv[9] : null);
        case "load" -> client.load(n);
        case "gray" -> client.gray(n, warmup, runs, Path.of(argv[6]));
        case "rtt" -> client.roundTrip(n, warmup, runs);
        case "e2e" -> client.endToEnd(n, warmup, runs);
        default -> throw new IllegalArgumentException("unknown workload " + argv[2]);
      }
    }
  }

  /**
   * N no-op tasks from this thread, one publish each or in batches of {@link #BATCH}. One by one,
   * each send waits for the broker when the app has {@code task_publish_sync=true} (workload
   * enqueue) and is pipelined otherwise (enqueue-pipelined: at most 4,096 in flight, the app's
   * window).
   */
  private void enqueue(int n, int warmup, int runs, boolean bulk) {
    sendNoops(warmup, bulk);
    app.broker().purge(queue);
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      sendNoops(n, bulk);
      long elapsed = System.nanoTime() - start;
      app.broker().purge(queue);
      rate(n, elapsed);
    }
  }

  private void sendNoops(int n, boolean bulk) {
    if (!bulk) {
      // Pipelined sends: the run ends when the broker has confirmed every message, not when the
      // last one left this thread. With task_publish_sync=true these futures are already done.
      List<java.util.concurrent.CompletableFuture<Void>> confirmed = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        confirmed.add(app.send(BenchTasks.NOOP).published());
      }
      java.util.concurrent.CompletableFuture.allOf(
              confirmed.toArray(java.util.concurrent.CompletableFuture[]::new))
          .join();
      return;
    }
    List<List<?>> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(List.of());
    }
    for (int sent = 0; sent < n; sent += BATCH) {
      app.sendAll(BenchTasks.NOOP, batch.subList(0, Math.min(BATCH, n - sent)), null);
    }
  }

  /**
   * Queues W tasks with a mark half-way through, the start mark, N tasks, the end mark (the drain
   * workload's input): no-ops, or with {@code url} {@code bench.io(url)} calls. The half-way mark
   * (to {@code <start>.half}) runs the probe's code once inside the warm-up, so the start mark does
   * not meet a worker that has never seen it (a JIT would throw away and recompile its hot code
   * there, inside the measured window); every system's fill does the same.
   */
  private void fill(int n, int warmup, String startFile, String endFile, String url) {
    app.broker().purge(queue);
    sendTasks(warmup / 2, url);
    app.send(BenchTasks.MARK, startFile + ".half");
    sendTasks(warmup - warmup / 2, url);
    app.send(BenchTasks.MARK, startFile);
    sendTasks(n, url);
    app.send(BenchTasks.MARK, endFile);
    System.out.println("{\"queued\":" + app.broker().size(queue) + "}");
  }

  private void sendTasks(int n, String url) {
    if (url == null) {
      sendNoops(n, true);
      return;
    }
    List<List<?>> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(List.of(url));
    }
    for (int sent = 0; sent < n; sent += BATCH) {
      app.sendAll(BenchTasks.IO, batch.subList(0, Math.min(BATCH, n - sent)), null);
    }
  }

  /** Empties the queue, then queues N no-ops and leaves them there (queue memory). */
  private void load(int n) {
    app.broker().purge(queue);
    sendNoops(n, true);
    System.out.println("{\"queued\":" + app.broker().size(queue) + "}");
  }

  /**
   * The CPU-bound workload: {@code images.grayscale} (the image example's task) on N pictures from
   * DIR, each inline as {@code {"name", "data": base64 PNG}}, all sent, then every result fetched;
   * W warm-up pictures first.
   */
  private void gray(int n, int warmup, int runs, Path dir) {
    List<Map<String, Object>> pictures = Pictures.inline(dir);
    grayAll(pictures, warmup);
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      grayAll(pictures, n);
      rate(n, System.nanoTime() - start);
    }
  }

  private void grayAll(List<Map<String, Object>> pictures, int n) {
    List<AsyncResult<Object>> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(app.send("images.grayscale", pictures.get(i % pictures.size())));
    }
    for (AsyncResult<Object> result : results) {
      if (!(result.get(WAIT) instanceof Map<?, ?> gray) || !(gray.get("data") instanceof String)) {
        throw new IllegalStateException("images.grayscale returned no picture");
      }
    }
  }

  /**
   * {@code -Dbench.slowMs=5}: round trips slower than this are printed on stderr, with the time.
   */
  private static final long SLOW_NANOS =
      (long) (Double.parseDouble(System.getProperty("bench.slowMs", "1e9")) * 1e6);

  /** Sequential add(1,2) then get(): latency percentiles per run. */
  private void roundTrip(int n, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      app.send(BenchTasks.ADD, 1, 2).get(WAIT);
    }
    for (int r = 0; r < runs; r++) {
      long[] nanos = new long[n];
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        Object sum = app.send(BenchTasks.ADD, 1, 2).get(WAIT);
        nanos[i] = System.nanoTime() - start;
        if (nanos[i] > SLOW_NANOS) {
          System.err.printf(
              Locale.ROOT,
              "slow round trip: run %d call %d %.2f ms, ended at %.3f%n",
              r,
              i,
              nanos[i] / 1e6,
              System.currentTimeMillis() / 1000.0);
        }
        if (!Integer.valueOf(3).equals(sum)) {
          throw new IllegalStateException("add(1,2) returned " + sum);
        }
      }
      Arrays.sort(nanos);
      System.out.printf(
          Locale.ROOT,
          "{\"p50_ms\":%.4f,\"p99_ms\":%.4f}%n",
          nanos[n / 2] / 1e6,
          nanos[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6);
    }
  }

  /** N add(1,2) sent, then every result fetched: tasks per second from first send to last get. */
  private void endToEnd(int n, int warmup, int runs) {
    sendAndCollect(warmup);
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      sendAndCollect(n);
      rate(n, System.nanoTime() - start);
    }
  }

  private void sendAndCollect(int n) {
    List<AsyncResult<Object>> results = new ArrayList<>(n);
    CallOptions options = CallOptions.create();
    for (int i = 0; i < n; i++) {
      results.add(app.send(BenchTasks.ADD, List.of(1, 2), java.util.Map.of(), options));
    }
    for (AsyncResult<Object> result : results) {
      Object sum = result.get(WAIT);
      if (!Integer.valueOf(3).equals(sum)) {
        throw new IllegalStateException("add(1,2) returned " + sum);
      }
    }
  }

  private static void rate(int n, long nanos) {
    System.out.printf(Locale.ROOT, "{\"rate\":%.1f}%n", n / (nanos / 1e9));
  }
}
