package dev.apium.internal;

import dev.apium.spi.BrokerException;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes in flight to a broker or backend: each starts with a transport's asynchronous call and the
 * caller goes on while the reply (a Redis answer, an AMQP confirm) is on its way, at most {@code
 * window} at a time (a full window makes the next {@link #start} wait). A write whose asynchronous
 * try fails is done again synchronously, with {@link TransientRetry}'s backoff for up to the retry
 * budget, on one retry thread; if that fails too its future completes exceptionally and the caller
 * reports it. {@link #close} waits until every write started is settled. Client sends use one
 * instance per app, result writes one per worker. Called from any thread; callbacks run on
 * transport threads and the retry thread. Internal plumbing of Apium, not API: it may change in any
 * release.
 */
public final class PipelinedWrites {
  private static final Logger log = LoggerFactory.getLogger(PipelinedWrites.class);

  private final String name;
  private final Semaphore window;
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final Duration retryBudget;
  private volatile ExecutorService retries;

  /**
   * @param name what is written, for thread names and logs ({@code publish}, {@code result})
   * @param window most writes in flight at once
   * @param retryBudget how long a failed write is retried synchronously
   */
  public PipelinedWrites(String name, int window, Duration retryBudget) {
    this.name = name;
    this.window = new Semaphore(window);
    this.retryBudget = retryBudget;
  }

  public Duration retryBudget() {
    return retryBudget;
  }

  /**
   * Starts a write. {@code attempt} starts the asynchronous try; {@code retry} does the write
   * synchronously (throwing {@link BrokerException} on a transient failure).
   */
  public CompletableFuture<Void> start(
      String what, Supplier<CompletableFuture<Void>> attempt, Runnable retry) {
    try {
      window.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while waiting to write " + what, e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    inFlight.add(done);
    done.whenComplete(
        (v, e) -> {
          inFlight.remove(done);
          window.release();
        });
    CompletableFuture<Void> first;
    try {
      first = attempt.get();
    } catch (RuntimeException e) {
      first = CompletableFuture.failedFuture(e);
    }
    first.whenComplete(
        (v, error) -> {
          if (error == null) {
            done.complete(null);
          } else {
            retryThread().execute(() -> retry(what, retry, done));
          }
        });
    return done;
  }

  private void retry(String what, Runnable retry, CompletableFuture<Void> done) {
    try {
      TransientRetry.run(what, retryBudget, retry);
      done.complete(null);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  private ExecutorService retryThread() {
    ExecutorService r = retries;
    if (r == null) {
      synchronized (this) {
        if (retries == null) {
          retries = Executors.newSingleThreadExecutor(Threads.daemon("apium-" + name + "-retry"));
        }
        r = retries;
      }
    }
    return r;
  }

  /** A thread for work that must follow a write but may block (late acks): the retry thread. */
  public java.util.concurrent.Executor callbacks() {
    return retryThread();
  }

  /** Writes not yet settled. */
  public int inFlight() {
    return inFlight.size();
  }

  /**
   * Waits until every write started so far is settled (done or failed), then stops the retry
   * thread; true if all settled within the deadline.
   */
  public boolean close(Duration deadline) {
    try {
      return drain(deadline);
    } finally {
      ExecutorService r = retries;
      if (r != null) {
        r.shutdown();
      }
    }
  }

  private boolean drain(Duration deadline) {
    List<CompletableFuture<Void>> pending = List.copyOf(inFlight);
    if (!pending.isEmpty()) {
      try {
        CompletableFuture.allOf(
                pending.stream()
                    .map(f -> f.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new))
            .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.error(
            "{} {} write(s) still unconfirmed after {} s; they may be lost",
            inFlight.size(),
            name,
            deadline.toSeconds());
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException e) {
        // each write's own failure is reported by whoever started it
      }
    }
    return true;
  }
}
