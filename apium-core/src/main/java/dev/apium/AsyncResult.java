package dev.apium;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
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
  private final Apium app;
  private final String id;
  private final JavaType type;
  private final AsyncResult<?> parent;

  AsyncResult(Apium app, String id, JavaType type, AsyncResult<?> parent) {
    this.app = app;
    this.id = id;
    this.type = type;
    this.parent = parent;
  }

  public String id() {
    return id;
  }

  /** The previous task of a chain, or null. */
  public AsyncResult<?> parent() {
    return parent;
  }

  /** The same id with another result type. */
  public <U> AsyncResult<U> as(Class<U> resultType) {
    return new AsyncResult<>(app, id, app.type(resultType), parent);
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
    CompletableFuture<ResultMeta> ready = app.backend().awaitReady(id);
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
      throw new IllegalStateException(
          "result backend failed while waiting for " + id, e.getCause());
    }
  }

  /** Waits without a time limit. */
  public T get() {
    return get(Duration.ofDays(365));
  }

  /** Completes with the converted result, or exceptionally with {@link TaskFailedException}. */
  public CompletableFuture<T> toCompletableFuture() {
    return app.backend().awaitReady(id).thenApply(this::convert);
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
