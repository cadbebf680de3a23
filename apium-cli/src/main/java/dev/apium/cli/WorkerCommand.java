package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    showDefaultValues = true,
    description = "Start a worker that runs tasks from the broker (like `celery worker`).")
final class WorkerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

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
      names = {"-X", "--exclude-queues"},
      split = ",",
      paramLabel = "QUEUE",
      description = "Queues not to consume, comma-separated: taken out of -Q (or the default).")
  List<String> excludeQueues = new ArrayList<>();

  @Option(
      names = "--time-limit",
      paramLabel = "SECONDS",
      description =
          "Hard time limit: a task still running after it is stopped and fails with"
              + " TimeLimitExceeded (Celery's task_time_limit; a task's own limit wins). Default:"
              + " none.")
  Double timeLimit;

  @Option(
      names = "--soft-time-limit",
      paramLabel = "SECONDS",
      description =
          "Soft time limit: a task still running after it is interrupted and sees"
              + " SoftTimeLimitExceeded (Celery's task_soft_time_limit; a task's own limit wins)."
              + " Default: none.")
  Double softTimeLimit;

  @Option(
      names = {"-f", "--logfile"},
      paramLabel = "FILE",
      description = "Append the log to FILE instead of the console (%%h = host name).")
  String logfile;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (default) or json: one JSON object a line, with the task id and name of task"
              + " lines (for log shippers).")
  String logFormat;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics (the Celery exporter's names, see docs/metrics.md) at"
              + " http://host:PORT/metrics. Default: off.")
  Integer metricsPort;

  @Option(
      names = "--pidfile",
      paramLabel = "FILE",
      description =
          "Write the process id to FILE while the worker runs; refuse to start while FILE names a"
              + " running process.")
  Path pidfile;

  @Option(
      names = {"--purge", "--discard"},
      description =
          "Delete every message waiting in the worker's queues before it starts (cannot be undone).")
  boolean purge;

  @Option(
      names = "--max-tasks-per-child",
      paramLabel = "N",
      description =
          "Accepted for Celery compatibility, and has no effect: Celery recycles a child process"
              + " after N tasks to reclaim leaked memory, but an Apium worker runs tasks on threads"
              + " of one JVM, so there is no child to recycle (the JVM's garbage collector reclaims"
              + " memory). To bound a leaking task, restart the worker under a supervisor.")
  Integer maxTasksPerChild;

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
      description =
          "threads (platform threads) or virtual (Java 21+ virtual threads; -c still bounds"
              + " the tasks run at once, and can be in the thousands).")
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
    Logging.format(logFormat);
    if (logfile != null) {
      Logging.toFile(Path.of(logfile.replace("%h", hostName())));
    }
    PidFile pid = pidfile == null ? null : PidFile.create(pidfile);
    try {
      return run();
    } finally {
      if (pid != null) {
        pid.close();
      }
    }
  }

  private int run() throws InterruptedException {
    if (timeLimit != null) {
      app.settings.put(ApiumConfig.TASK_TIME_LIMIT, seconds("--time-limit", timeLimit));
    }
    if (softTimeLimit != null) {
      app.settings.put(
          ApiumConfig.TASK_SOFT_TIME_LIMIT, seconds("--soft-time-limit", softTimeLimit));
    }
    if (maxTasksPerChild != null) {
      log.warn(
          "--max-tasks-per-child {} has no effect: tasks run on threads of this JVM, there is no"
              + " child process to recycle",
          maxTasksPerChild);
    }
    if (taskEvents) {
      app.setting("worker_send_task_events", "true");
    }
    MetricsOption metrics = metricsPort == null ? null : new MetricsOption(metricsPort, app);
    Apium apium = app.build();
    List<String> consumed =
        consumedQueues(queues, excludeQueues, apium.config().get(ApiumConfig.DEFAULT_QUEUE));
    if (purge) {
      long purged = 0;
      for (String queue : consumed) {
        purged += apium.broker().purge(queue);
      }
      log.warn("Purged {} message(s) from {} queue(s): {}", purged, consumed.size(), consumed);
    }
    Worker.Builder builder = apium.worker().queues(consumed);
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
    if (metrics != null) {
      metrics.attach(apium, builder);
    }
    Worker worker = builder.start();
    StartupSettle.schedule(worker);
    Shutdown shutdown = new Shutdown(worker, Duration.ofSeconds(shutdownTimeout));
    shutdown.install();
    worker.awaitStop();
    if (metrics != null) {
      metrics.close();
    }
    apium.close();
    shutdown.exited();
    return 0;
  }

  /** The queues to consume: {@code -Q} (or the default queue) less {@code -X}. */
  static List<String> consumedQueues(List<String> queues, List<String> exclude, String fallback) {
    Set<String> out = new LinkedHashSet<>(queues.isEmpty() ? List.of(fallback) : queues);
    out.removeAll(exclude);
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "-X "
              + String.join(",", exclude)
              + " excludes every queue the worker would consume ("
              + String.join(",", queues.isEmpty() ? List.of(fallback) : queues)
              + "): name the ones to consume with -Q");
    }
    return List.copyOf(out);
  }

  private static String seconds(String flag, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(flag + " " + value + ": give a number of seconds above 0");
    }
    return Double.toString(value);
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
