package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium worker}: runs a worker until TERM or INT. The first signal is a warm shutdown
 * (finish running tasks up to {@code --shutdown-timeout}, return prefetched ones); a second is
 * cold. Runs on the main thread; the shutdown hook thread performs the stop.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Start a worker that runs tasks from the broker (like `celery worker`).")
final class WorkerCommand implements Callable<Integer> {
  @Mixin AppOptions app;

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
    Worker worker = builder.start();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger signals = new AtomicInteger();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (signals.incrementAndGet() == 1) {
                    worker.stop(Duration.ofSeconds(shutdownTimeout));
                    apium.close();
                  }
                  done.countDown();
                },
                "apium-shutdown"));
    worker.awaitStop();
    done.await();
    return 0;
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
