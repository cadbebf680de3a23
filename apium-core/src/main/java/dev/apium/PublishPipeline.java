package dev.apium;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client sends in flight: each task message is handed to {@link Broker#publishAsync} and {@code
 * send()} returns while the broker's reply or confirm is on its way, at most {@link #WINDOW} at a
 * time (a full window makes {@code send()} wait). A publish that fails is tried again
 * synchronously, with the same backoff budget as a worker's result write, on one retry thread; a
 * publish that still fails completes its future exceptionally, logs one error naming the task, and
 * makes the task's {@link AsyncResult#get} throw. {@link #drain} (called by {@code Apium.close()})
 * waits until every send is confirmed or failed, so a closed app has lost nothing it accepted.
 * Called from any client thread; callbacks run on transport threads and the retry thread.
 */
final class PublishPipeline {
  private static final Logger log = LoggerFactory.getLogger(PublishPipeline.class);
  static final int WINDOW = 4096;

  private final Semaphore window = new Semaphore(WINDOW);
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final Duration retryBudget;
  private volatile ExecutorService retries;

  PublishPipeline(Duration retryBudget) {
    this.retryBudget = retryBudget;
  }

  /** Starts a publish; the future completes when the broker has the message. */
  CompletableFuture<Void> publish(
      Broker broker, String exchange, String routingKey, WireMessage wire, String what) {
    try {
      window.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while waiting to publish " + what, e);
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
      first = broker.publishAsync(exchange, routingKey, wire);
    } catch (RuntimeException e) {
      first = CompletableFuture.failedFuture(e);
    }
    first.whenComplete(
        (v, error) -> {
          if (error == null) {
            done.complete(null);
          } else {
            retryLater(broker, exchange, routingKey, wire, what, done);
          }
        });
    return done;
  }

  private void retryLater(
      Broker broker,
      String exchange,
      String routingKey,
      WireMessage wire,
      String what,
      CompletableFuture<Void> done) {
    retryThread()
        .execute(
            () -> {
              try {
                TransientRetry.run(
                    "publishing " + what,
                    retryBudget,
                    () -> broker.publish(exchange, routingKey, wire));
                done.complete(null);
              } catch (RuntimeException e) {
                log.error(
                    "{} was NOT queued: {} (the broker kept refusing it for {} s; send it again"
                        + " once the broker is back)",
                    what,
                    e.getMessage(),
                    retryBudget.toSeconds());
                done.completeExceptionally(e);
              }
            });
  }

  private ExecutorService retryThread() {
    ExecutorService r = retries;
    if (r == null) {
      synchronized (this) {
        if (retries == null) {
          retries =
              Executors.newSingleThreadExecutor(
                  task -> {
                    Thread t = new Thread(task, "apium-publish-retry");
                    t.setDaemon(true);
                    return t;
                  });
        }
        r = retries;
      }
    }
    return r;
  }

  /** Sends not yet confirmed. */
  int inFlight() {
    return inFlight.size();
  }

  /**
   * Waits until every publish started so far is confirmed or has failed; true if all settled within
   * the deadline.
   */
  boolean drain(Duration deadline) {
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
            "{} sent task(s) still unconfirmed by the broker after {} s at close; they may be lost",
            inFlight.size(),
            deadline.toSeconds());
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        // each future's own failure was logged where it happened
      }
    }
    ExecutorService r = retries;
    if (r != null) {
      r.shutdown();
    }
    return true;
  }
}
