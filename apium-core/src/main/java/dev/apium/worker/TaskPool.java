package dev.apium.worker;

import dev.apium.spi.Threads;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run tasks: a fixed pool of platform threads ({@code -c N}, the default) or one
 * virtual thread per task on Java 21+ ({@code --pool virtual}). Requests waiting for a thread can
 * be taken back ({@link #drainPending()}) so a warm shutdown returns them to the broker. Submitted
 * to by the transport and ETA threads; shut down by the worker's stopping thread.
 */
final class TaskPool {
  /** Pool kinds. */
  enum Kind {
    PLATFORM,
    VIRTUAL
  }

  private final ExecutorService executor;
  private final ThreadPoolExecutor threads;
  private final LinkedBlockingQueue<Runnable> pending;
  private final AtomicInteger active = new AtomicInteger();
  private final Set<Thread> abandoned = ConcurrentHashMap.newKeySet();
  private int target;
  private volatile Autoscaler autoscaler;

  TaskPool(Kind kind, int concurrency, String nodename) {
    if (kind == Kind.VIRTUAL) {
      this.executor = virtualExecutor();
      this.threads = null;
      this.pending = null;
    } else {
      this.pending = new LinkedBlockingQueue<>();
      AtomicInteger n = new AtomicInteger();
      this.threads =
          new ThreadPoolExecutor(
              concurrency,
              concurrency,
              0,
              TimeUnit.MILLISECONDS,
              pending,
              r -> Threads.daemon("apium-worker-" + n.incrementAndGet(), r));
      this.executor = threads;
    }
    this.target = concurrency;
  }

  static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  private static ExecutorService virtualExecutor() {
    if (!virtualThreadsAvailable()) {
      throw new IllegalStateException(
          "--pool virtual needs Java 21 or newer (running "
              + Runtime.version()
              + "): use --pool threads or run on a newer JDK");
    }
    try {
      Method factory =
          java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) factory.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create a virtual-thread executor", e);
    }
  }

  void submit(RequestTask task) {
    executor.execute(
        new RequestTask(task.request()) {
          @Override
          public void run() {
            active.incrementAndGet();
            try {
              task.run();
            } finally {
              active.decrementAndGet();
              if (abandoned.remove(Thread.currentThread())) {
                resized();
              }
            }
          }
        });
  }

  /**
   * Gives up on a thread stuck in a task (hard time limit, terminate): a replacement thread starts
   * now, and the pool shrinks back once the abandoned thread returns. Virtual pools have no slots.
   */
  void abandon(Thread thread) {
    if (threads != null && abandoned.add(thread)) {
      resized();
    }
  }

  /** Sets the number of threads (autoscale); abandoned threads come on top. */
  void resize(int size) {
    synchronized (this) {
      target = size;
    }
    resized();
  }

  /** The autoscaler steering this pool ({@code --autoscale}), or null for a fixed size. */
  Autoscaler autoscaler() {
    return autoscaler;
  }

  void autoscaledBy(Autoscaler value) {
    autoscaler = value;
  }

  /** The number of threads wanted (without abandoned ones). */
  synchronized int size() {
    return target;
  }

  /** Requests waiting for a thread. */
  int waiting() {
    return pending == null ? 0 : pending.size();
  }

  private synchronized void resized() {
    if (threads == null || threads.isShutdown()) {
      return;
    }
    int size = Math.max(1, target + abandoned.size());
    if (size > threads.getMaximumPoolSize()) {
      threads.setMaximumPoolSize(size);
      threads.setCorePoolSize(size);
    } else {
      threads.setCorePoolSize(size);
      threads.setMaximumPoolSize(size);
    }
  }

  /** Tasks currently running. */
  int active() {
    return active.get();
  }

  /** Removes the requests still waiting for a thread. */
  List<Request> drainPending() {
    List<Request> out = new ArrayList<>();
    if (pending == null) {
      return out;
    }
    List<Runnable> drained = new ArrayList<>();
    pending.drainTo(drained);
    for (Runnable r : drained) {
      out.add(((RequestTask) r).request());
    }
    return out;
  }

  /** Lets running tasks finish; true when all did within the deadline. */
  boolean finish(Duration deadline) throws InterruptedException {
    executor.shutdown();
    return executor.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Interrupts running tasks; true when they all ended within the grace period. */
  boolean interrupt(Duration grace) throws InterruptedException {
    executor.shutdownNow();
    return executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A runnable that remembers its request, so a drained queue can be returned to the broker. */
  abstract static class RequestTask implements Runnable {
    private final Request request;

    RequestTask(Request request) {
      this.request = request;
    }

    Request request() {
      return request;
    }
  }
}
