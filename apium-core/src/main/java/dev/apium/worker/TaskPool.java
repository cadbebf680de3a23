package dev.apium.worker;

import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run tasks: {@code -c N} platform threads (the default) or {@code -c N} virtual
 * threads on Java 21+ ({@code --pool virtual}), as Celery's {@code -c} is the size of its prefork,
 * threads or gevent pool: at most N tasks run at once, the other prefetched ones wait here. A
 * virtual thread gives its carrier back while a task blocks on I/O, so N can be in the thousands.
 * Requests waiting for a thread can be taken back ({@link #drainPending()}) so a warm shutdown
 * returns them to the broker. Submitted to by the transport and ETA threads; shut down by the
 * worker's stopping thread.
 */
final class TaskPool {
  /** Pool kinds. */
  enum Kind {
    PLATFORM,
    VIRTUAL
  }

  private final ThreadPoolExecutor threads;
  private final LinkedBlockingQueue<Runnable> pending;
  private final AtomicInteger active = new AtomicInteger();
  private final Set<Thread> abandoned = ConcurrentHashMap.newKeySet();
  private int target;
  private volatile Autoscaler autoscaler;

  TaskPool(Kind kind, int concurrency) {
    this.pending = new LinkedBlockingQueue<>();
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        kind == Kind.VIRTUAL
            ? virtualThreads()
            : r -> Threads.daemon("apium-worker-" + n.incrementAndGet(), r);
    this.threads =
        new ThreadPoolExecutor(
            concurrency, concurrency, 0, TimeUnit.MILLISECONDS, pending, factory);
    this.target = concurrency;
  }

  static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  /**
   * Virtual threads named {@code apium-worker-virtual-N}, made through {@code Thread.ofVirtual()}
   * found at run time (the project compiles for Java 17).
   */
  private static ThreadFactory virtualThreads() {
    if (!virtualThreadsAvailable()) {
      throw new IllegalStateException(
          "--pool virtual needs Java 21 or newer (running "
              + Runtime.version()
              + "): use --pool threads or run on a newer JDK");
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      builder =
          ofVirtual
              .getMethod("name", String.class, long.class)
              .invoke(builder, "apium-worker-virtual-", 1L);
      return (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create virtual threads", e);
    }
  }

  void submit(RequestTask task) {
    threads.execute(
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
   * now, and the pool shrinks back once the abandoned thread returns.
   */
  void abandon(Thread thread) {
    if (abandoned.add(thread)) {
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
    return pending.size();
  }

  private synchronized void resized() {
    if (threads.isShutdown()) {
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
    List<Runnable> drained = new ArrayList<>();
    pending.drainTo(drained);
    for (Runnable r : drained) {
      out.add(((RequestTask) r).request());
    }
    return out;
  }

  /** Lets running tasks finish; true when all did within the deadline. */
  boolean finish(Duration deadline) throws InterruptedException {
    threads.shutdown();
    return threads.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Interrupts running tasks; true when they all ended within the grace period. */
  boolean interrupt(Duration grace) throws InterruptedException {
    threads.shutdownNow();
    return threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
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
