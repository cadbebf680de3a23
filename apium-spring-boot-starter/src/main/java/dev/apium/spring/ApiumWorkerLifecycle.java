package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.worker.Worker;
import org.springframework.context.SmartLifecycle;

/**
 * The application's worker as a Spring lifecycle bean: started once the context is refreshed (after
 * every {@code @Task} bean is registered), stopped first when the context closes, with a warm
 * shutdown: it stops fetching, returns prefetched messages and lets running tasks finish for up to
 * {@code apium.worker.shutdown-timeout} before the {@link Apium} bean is closed. Spring calls start
 * and stop from the thread that refreshes or closes the context.
 */
public class ApiumWorkerLifecycle implements SmartLifecycle {
  private final Apium app;
  private final ApiumProperties.Worker settings;
  private volatile Worker worker;

  public ApiumWorkerLifecycle(Apium app, ApiumProperties.Worker settings) {
    this.app = app;
    this.settings = settings;
  }

  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    Worker.Builder builder = app.worker().virtualThreads(settings.isVirtualThreads());
    if (!settings.getQueues().isEmpty()) {
      builder.queues(settings.getQueues());
    }
    if (settings.getNodename() != null && !settings.getNodename().isBlank()) {
      builder.nodename(settings.getNodename());
    }
    worker = builder.start();
  }

  /** Warm shutdown; returns once running tasks finished or the shutdown timeout passed. */
  @Override
  public synchronized void stop() {
    Worker w = worker;
    if (w != null) {
      w.stop(settings.getShutdownTimeout());
      worker = null;
    }
  }

  @Override
  public boolean isRunning() {
    Worker w = worker;
    return w != null && w.isRunning();
  }

  /** Starts after, and stops before, every lifecycle bean of a lower phase (web servers too). */
  @Override
  public int getPhase() {
    return DEFAULT_PHASE;
  }

  /** The running worker, or null when stopped (tests, metrics). */
  public Worker worker() {
    return worker;
  }
}
