package dev.apium;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a task's future result, whichever worker (Java or Python) runs it. Reads go to the
 * app's result backend; {@link #get(Duration)} waits by push (pub/sub, reply queue), never by a
 * busy poll. Cheap to create; thread-safe.
 *
 * @param <T> the Java type the result converts to
 */
public final class AsyncResult<T> {
  /** Where {@link #toCompletableFuture()} runs what callers chain to it. */
  private static final java.util.concurrent.Executor CALLBACKS =
      java.util.concurrent.Executors.newCachedThreadPool(Threads.daemon("apium-result-callbacks"));

  private final Apium app;
  private final String id;
  private final JavaType type;
  private final AsyncResult<?> parent;
  private final CompletableFuture<Void> published;

  AsyncResult(
      Apium app,
      String id,
      JavaType type,
      AsyncResult<?> parent,
      CompletableFuture<Void> published) {
    this.app = app;
    this.id = id;
    this.type = type;
    this.parent = parent;
    this.published = published == null ? CompletableFuture.completedFuture(null) : published;
  }

  AsyncResult(Apium app, String id, JavaType type, AsyncResult<?> parent) {
    this(app, id, type, parent, null);
  }

  public String id() {
    return id;
  }

  /** The previous task of a chain, or null. */
  public AsyncResult<?> parent() {
    return parent;
  }

  /**
   * Celery's tuple form ({@code as_tuple()}): {@code [[id, parent tuple or null], null]}. A task
   * returning an AsyncResult stores this, which Python's {@code result_from_tuple} reads back.
   */
  @com.fasterxml.jackson.annotation.JsonValue
  public JsonNode toTuple() {
    com.fasterxml.jackson.databind.node.ArrayNode tuple = CeleryJson.array();
    com.fasterxml.jackson.databind.node.ArrayNode head = tuple.addArray();
    head.add(id);
    if (parent == null) {
      head.addNull();
    } else {
      head.add(parent.toTuple());
    }
    tuple.addNull();
    return tuple;
  }

  /** The same id with another result type. */
  public <U> AsyncResult<U> as(Class<U> resultType) {
    return new AsyncResult<>(app, id, app.type(resultType), parent, published);
  }

  /** The same id with a generic result type: {@code r.as(new TypeReference<List<Order>>() {})}. */
  public <U> AsyncResult<U> as(com.fasterxml.jackson.core.type.TypeReference<U> resultType) {
    return new AsyncResult<>(app, id, app.type(resultType), parent, published);
  }

  /**
   * Completes when the broker has the task message (at once for a synchronous send); fails with
   * {@link dev.apium.spi.BrokerException} when the message could not be queued.
   */
  public CompletableFuture<Void> published() {
    return published.copy();
  }

  /** The stored meta, or empty while PENDING. */
  public Optional<ResultMeta> meta() {
    return app.backend().get(id);
  }

  /** PENDING, STARTED, PROGRESS, RETRY, SUCCESS, FAILURE, REVOKED... */
  public String state() {
    return meta().map(ResultMeta::status).orElse(TaskState.PENDING);
  }

  /** The stored result or state meta (for PROGRESS: {@code {current, total, percent}}), or null. */
  public JsonNode info() {
    return meta().map(ResultMeta::result).orElse(null);
  }

  public boolean ready() {
    return TaskState.isReady(state());
  }

  public boolean successful() {
    return TaskState.SUCCESS.equals(state());
  }

  public boolean failed() {
    return TaskState.FAILURE.equals(state());
  }

  /** The failure, when the task failed or was revoked; else null. */
  public TaskFailedException exception() {
    return meta().filter(m -> TaskState.propagates(m.status())).map(this::failure).orElse(null);
  }

  /** Waits for the result. @throws TaskFailedException if it failed or was revoked */
  public T get(Duration timeout) {
    CompletableFuture<ResultMeta> ready = readyOrNotQueued();
    try {
      return convert(ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      ready.cancel(false);
      throw new TaskTimeoutException(
          "task " + id + " not ready after " + timeout.toMillis() + " ms (state " + state() + ")");
    } catch (InterruptedException e) {
      ready.cancel(false);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for task " + id);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotQueued notQueued) {
        throw notQueued.failure;
      }
      throw new IllegalStateException(
          "result backend failed while waiting for " + id, e.getCause());
    }
  }

  /**
   * The backend's wait, failed early when the task's pipelined publish failed: nobody will ever
   * store a result for a message the broker never got.
   */
  private CompletableFuture<ResultMeta> readyOrNotQueued() {
    if (published.isDone() && !published.isCompletedExceptionally()) {
      return app.backend().awaitReady(id);
    }
    if (published.isCompletedExceptionally()) {
      return CompletableFuture.failedFuture(new NotQueued(notQueued(published)));
    }
    CompletableFuture<ResultMeta> backend = app.backend().awaitReady(id);
    CompletableFuture<ResultMeta> either = new CompletableFuture<>();
    backend.whenComplete(
        (meta, error) -> {
          if (error == null) {
            either.complete(meta);
          } else {
            either.completeExceptionally(error);
          }
        });
    published.whenComplete(
        (v, error) -> {
          if (error != null && either.completeExceptionally(new NotQueued(notQueued(published)))) {
            backend.cancel(false);
          }
        });
    either.whenComplete(
        (meta, error) -> {
          if (either.isCancelled()) {
            backend.cancel(false);
          }
        });
    return either;
  }

  private BrokerException notQueued(CompletableFuture<Void> failed) {
    Throwable cause;
    try {
      failed.join();
      cause = null;
    } catch (java.util.concurrent.CompletionException e) {
      cause = e.getCause();
    }
    return new BrokerException(
        "task " + id + " was never queued: " + (cause == null ? "unknown" : cause.getMessage()),
        cause);
  }

  /** Carries a publish failure through the wait future. */
  private static final class NotQueued extends RuntimeException {
    final BrokerException failure;

    NotQueued(BrokerException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  /** Waits without a time limit. */
  public T get() {
    return get(Duration.ofDays(365));
  }

  /** Completes with the converted result, or exceptionally with {@link TaskFailedException}. */
  public CompletableFuture<T> toCompletableFuture() {
    // Async: a backend may complete its wait on a transport thread, which user callbacks must not
    // hold up (or block).
    return readyOrNotQueued()
        .handleAsync(
            (meta, error) -> {
              if (error instanceof java.util.concurrent.CompletionException c
                  && c.getCause() instanceof NotQueued n) {
                throw n.failure;
              }
              if (error instanceof NotQueued n) {
                throw n.failure;
              }
              if (error != null) {
                throw error instanceof RuntimeException r
                    ? r
                    : new java.util.concurrent.CompletionException(error);
              }
              return convert(meta);
            },
            CALLBACKS);
  }

  /** Deletes the stored result. */
  public void forget() {
    app.backend().forget(id);
  }

  private T convert(ResultMeta meta) {
    if (TaskState.SUCCESS.equals(meta.status())) {
      return ArgumentBinder.convert(meta.result(), type, "result of task " + id);
    }
    throw failure(meta);
  }

  private TaskFailedException failure(ResultMeta meta) {
    ExceptionInfo info = meta.exception();
    if (info == null) {
      info = ExceptionInfo.of("celery.exceptions", "TaskError", String.valueOf(meta.result()));
    }
    return new TaskFailedException(id, meta.status(), info, meta.traceback());
  }

  @Override
  public String toString() {
    return "AsyncResult[" + id + "]";
  }
}
