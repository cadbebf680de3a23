package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium worker}: runs a worker until TERM or INT. The first signal starts a warm shutdown
 * (stop fetching, return prefetched and ETA messages, let running tasks finish up to {@code
 * --shutdown-timeout}); a second TERM or INT turns it cold (running tasks are interrupted, {@code
 * acks_late} ones go back to the broker). Runs on the main thread; signals are handled on the JVM's
 * signal thread, which starts the stop on its own thread. A shutdown hook stops the worker warm
 * when the JVM exits another way.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Start a worker that runs tasks from the broker (like `celery worker`).")
final class WorkerCommand implements Callable<Integer> {
  @Mixin AppOptions app;
  @Mixin BeatOptions beatOptions;

  @Option(
      names = {"-B", "--beat"},
      description = "Also run the beat scheduler in this worker (safe with several workers).")
  boolean beat;

  @Option(
      names = {"-Q", "--queues"},
      split = ",",
      description = "Queues to consume, comma-separated (default: task_default_queue, 'celery').")
  List<String> queues = new ArrayList<>();

  @Option(
      names = {"-c", "--concurrency"},
      description = "Tasks run at once (default: number of CPUs).")
  Integer concurrency;

  @Option(
      names = {"-n", "--hostname"},
      description = "Node name, e.g. images@%%h (%%h = host name).")
  String nodename;

  @Option(
      names = {"-l", "--loglevel"},
      defaultValue = "INFO",
      description = "DEBUG, INFO, WARNING, ERROR.")
  String loglevel;

  @Option(
      names = "--pool",
      defaultValue = "threads",
      description = "threads (platform threads) or virtual (Java 21+ virtual threads).")
  String pool;

  @Option(
      names = "--autoscale",
      description = "max,min: grow the pool to max threads when busy, shrink to min when idle.")
  String autoscale;

  @Option(
      names = {"-E", "--task-events"},
      description =
          "Send task events for monitors (celery events, Flower); sets worker_send_task_events.")
  boolean taskEvents;

  @Option(
      names = "--prefetch-multiplier",
      description = "Messages prefetched per slot (default worker_prefetch_multiplier, 4).")
  Integer prefetchMultiplier;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "60",
      description = "Seconds a warm shutdown waits for running tasks.")
  int shutdownTimeout;

  @Override
  public Integer call() throws InterruptedException {
    Logging.level(loglevel);
    if (taskEvents) {
      app.setting("worker_send_task_events", "true");
    }
    Apium apium = app.build();
    Worker.Builder builder = apium.worker().queues(queues);
    if (concurrency != null) {
      builder.concurrency(concurrency);
    }
    if (prefetchMultiplier != null) {
      builder.prefetchMultiplier(prefetchMultiplier);
    }
    if (nodename != null) {
      builder.nodename(nodename.replace("%h", hostName()));
    }
    if (!pool.equals("threads") && !pool.equals("virtual")) {
      throw new IllegalArgumentException("--pool " + pool + ": use threads or virtual");
    }
    builder.virtualThreads(pool.equals("virtual"));
    if (autoscale != null) {
      int[] maxMin = parseAutoscale(autoscale);
      builder.autoscale(maxMin[0], maxMin[1]);
    }
    if (beat) {
      builder.beat(beatOptions.build(apium));
    }
    Worker worker = builder.start();
    Shutdown shutdown = new Shutdown(worker, Duration.ofSeconds(shutdownTimeout));
    shutdown.install();
    worker.awaitStop();
    apium.close();
    shutdown.exited();
    return 0;
  }

  static int[] parseAutoscale(String text) {
    String[] parts = text.split(",");
    try {
      int max = Integer.parseInt(parts[0].trim());
      int min = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
      if (parts.length > 2 || max < 1 || min < 0 || min > max) {
        throw new NumberFormatException();
      }
      return new int[] {max, Math.max(1, min)};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--autoscale " + text + ": use max,min with max >= min, e.g. --autoscale 10,3");
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
