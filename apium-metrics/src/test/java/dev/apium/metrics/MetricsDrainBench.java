package dev.apium.metrics;

import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.listen.Listeners;
import dev.apium.listen.TaskInfo;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.TaskMessage;
import dev.apium.worker.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * A manual measurement, not a test: how fast one worker drains N queued no-op tasks from Redis (db
 * 10, a queue of its own per round) with {@link CeleryMetrics} off and on (client stamping {@code
 * apium_sent_at}, worker counting, histograms and a scrape per round), alternating rounds, medians
 * printed. Run on a quiet machine: {@code java -cp <test classpath>
 * dev.apium.metrics.MetricsDrainBench [N] [rounds]}. Main thread only.
 */
public final class MetricsDrainBench {
  private static final String REDIS = "redis://127.0.0.1:6379/10";

  public static void main(String[] argv) {
    int n = argv.length > 0 ? Integer.parseInt(argv[0]) : 20000;
    int rounds = argv.length > 1 ? Integer.parseInt(argv[1]) : 3;
    drain(false, n); // warm-up: JIT and connections
    drain(true, n);
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    List<Double> offCpu = new ArrayList<>();
    List<Double> onCpu = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      double[] a;
      double[] b;
      if (i % 2 == 0) { // alternate which goes first, so neither always runs on a warmer JVM
        a = drain(false, n);
        b = drain(true, n);
      } else {
        b = drain(true, n);
        a = drain(false, n);
      }
      off.add(a[0]);
      offCpu.add(a[1]);
      on.add(b[0]);
      onCpu.add(b[1]);
      System.out.printf(
          "round %d: off %.0f/s (%.0f per CPU-s), on %.0f/s (%.0f per CPU-s)%n",
          i + 1, a[0], a[1], b[0], b[1]);
    }
    double offMedian = median(off);
    double onMedian = median(on);
    System.out.printf(
        "median drain rate: metrics off %.0f tasks/s, on %.0f tasks/s (%.1f%%)%n",
        offMedian, onMedian, 100 * onMedian / offMedian);
    System.out.printf(
        "median tasks per CPU-second of this JVM: off %.0f, on %.0f (%.1f%%)%n",
        median(offCpu), median(onCpu), 100 * median(onCpu) / median(offCpu));
    System.out.printf(
        "listener cost per task (received, started, succeeded, ended through Listeners): %.0f ns%n",
        listenerNanosPerTask());
  }

  /** The CPU one task's metrics take on the worker, without the broker's noise: best of 5. */
  private static double listenerNanosPerTask() {
    Listeners listeners =
        Listeners.of(
            List.of(new CeleryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    TaskMessage message =
        TaskMessage.builder("bench.noop", UUID.randomUUID().toString())
            .header(QueueWait.SENT_AT, QueueWait.stamp(System.currentTimeMillis()))
            .build();
    Duration runtime = Duration.ofNanos(20_000);
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      int n = 1_000_000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        listeners.received(new TaskInfo(message, "celery", "w@bench", t0));
        listeners.started(new TaskInfo(message, "celery", "w@bench", t0));
        listeners.succeeded(new TaskInfo(message, "celery", "w@bench", t0), null, runtime);
        listeners.ended(new TaskInfo(message, "celery", "w@bench", t0));
      }
      best = Math.min(best, (System.nanoTime() - t0) / (double) n);
    }
    return best;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static Apium app(TaskListener listener) {
    Apium.Builder b = Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS);
    if (listener != null) {
      b.listener(listener);
    }
    return b.build();
  }

  /** {@code -Dbench.on=noop}: the "on" side gets a listener that does nothing (engine cost). */
  private static final boolean NOOP = "noop".equals(System.getProperty("bench.on"));

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Tasks per wall-clock second and per CPU-second of this JVM while one worker drains n. */
  private static double[] drain(boolean metricsOn, int n) {
    String queue = "metrics-bench-" + UUID.randomUUID().toString().substring(0, 8);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CeleryMetrics metrics = metricsOn && !NOOP ? new CeleryMetrics(registry) : null;
    TaskListener onWorker = metrics != null ? metrics : metricsOn ? new TaskListener() {} : null;
    try (Apium client = app(metrics != null ? new CeleryMetrics(registry) : null);
        Apium worker = app(onWorker)) {
      if (metrics != null) {
        metrics.queueLengthsFrom(worker);
      }
      worker.register("bench.noop", call -> null);
      CallOptions options = CallOptions.create().queue(queue).ignoreResult(true);
      List<? extends List<?>> batch = Collections.nCopies(1000, List.of());
      for (int sent = 0; sent < n; sent += batch.size()) {
        client.sendAll("bench.noop", batch.subList(0, Math.min(batch.size(), n - sent)), options);
      }
      long t0 = System.nanoTime();
      long cpu0 = cpuNanos();
      Worker w = worker.worker().queues(queue).concurrency(4).prefetchMultiplier(16).start();
      try {
        while (w.counts().total() < n) {
          LockSupport.parkNanos(200_000);
        }
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos();
        if (metrics != null && !registry.scrape().contains("celery_task_queue_wait_time_count")) {
          throw new IllegalStateException("metrics were not recorded");
        }
        return new double[] {n / ((t1 - t0) / 1e9), n / ((cpu1 - cpu0) / 1e9)};
      } finally {
        w.stop(Duration.ofSeconds(10));
        worker.broker().purge(queue);
      }
    }
  }
}
