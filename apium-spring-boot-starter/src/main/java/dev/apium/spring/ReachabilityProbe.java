package dev.apium.spring;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one reachability check at a time on its own daemon thread and waits for it at most a
 * timeout, so a health request never hangs on a server that does not answer (a Redis command waits
 * for its reply up to {@code redis_socket_timeout}, 20 s by default). A check still running when
 * the next request comes is waited on again rather than started twice. Called from health-request
 * threads; thread-safe.
 */
final class ReachabilityProbe implements AutoCloseable {

  /** What one check found: the value it returned, or why it failed. */
  record Outcome(boolean reachable, Object value, String error) {}

  private final ExecutorService executor;
  private CompletableFuture<Object> inFlight;

  ReachabilityProbe(String name) {
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "apium-health-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  Outcome check(Supplier<Object> check, Duration timeout) {
    CompletableFuture<Object> running = start(check);
    try {
      return new Outcome(true, running.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (TimeoutException e) {
      return new Outcome(false, null, "no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return new Outcome(false, null, describe(e.getCause()));
    } catch (CancellationException e) {
      return new Outcome(false, null, "check cancelled");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, null, "interrupted");
    }
  }

  private synchronized CompletableFuture<Object> start(Supplier<Object> check) {
    if (inFlight == null || inFlight.isDone()) {
      inFlight = CompletableFuture.supplyAsync(check, executor);
    }
    return inFlight;
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
