package dev.apium.cli;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The worker process's reaction to signals, as Celery's: the first TERM or INT starts a warm
 * shutdown on a new thread; the next one turns it cold. Installed by {@code apium worker} on the
 * main thread; handlers run on the JVM's signal thread and never block it. Where signals cannot be
 * handled, a shutdown hook performs the warm shutdown instead.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private final Worker worker;
  private final Duration deadline;
  private final AtomicInteger signals = new AtomicInteger();
  private volatile boolean exited;

  Shutdown(Worker worker, Duration deadline) {
    this.worker = worker;
    this.deadline = deadline;
  }

  void install() {
    try {
      Signal.handle(new Signal("TERM"), s -> received("SIGTERM"));
      Signal.handle(new Signal("INT"), s -> received("SIGINT"));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.warn("Signals cannot be handled here ({}): only a warm shutdown on exit", e.getMessage());
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!exited && worker.isRunning()) {
                    log.info("JVM exiting: warm shutdown of {}", worker.nodename());
                    worker.stop(deadline);
                  }
                },
                "apium-shutdown-hook"));
  }

  /** The worker has stopped and the app is closed; the hook has nothing left to do. */
  void exited() {
    exited = true;
  }

  void received(String signal) {
    int n = signals.incrementAndGet();
    if (n == 1) {
      log.info(
          "{} received: warm shutdown of {} (waiting up to {} s for {} running task(s); send"
              + " TERM or INT again for a cold shutdown)",
          signal,
          worker.nodename(),
          deadline.toSeconds(),
          worker.active());
      Thread stopper = new Thread(() -> worker.stop(deadline), "apium-warm-shutdown");
      stopper.start();
    } else {
      log.warn(
          "{} received again: cold shutdown of {}: interrupting {} running task(s), acks_late"
              + " ones return to the broker",
          signal,
          worker.nodename(),
          worker.active());
      Thread stopper = new Thread(worker::stopNow, "apium-cold-shutdown");
      stopper.start();
    }
  }
}
