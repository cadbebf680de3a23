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
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a task's future result, whichever worker (Java or Python) runs it. Reads go to the
 * app's result backend; {@link #get(Duration)} waits by push (pub/sub, reply queue), never by a
 * busy poll. It may also stand for a group (a chain ending in a group, a group among a task's
 * {@link #children()}, a group tuple read by {@link #fromTuple}): then {@link #group()} is that
 * {@link GroupResult} and {@link #get(Duration)} returns the list of its members' results, as
 * Celery's {@code GroupResult.get()}. Cheap to create; thread-safe.
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

  /** The group this result stands for, or null for a task's result. */
  private final GroupResult group;

  AsyncResult(
      Apium app,
      String id,
      JavaType type,
      AsyncResult<?> parent,
      CompletableFuture<Void> published) {
    this(app, id, type, parent, published, null);
  }

  private AsyncResult(
      Apium app,
      String id,
      JavaType type,
      AsyncResult<?> parent,
      CompletableFuture<Void> published,
      GroupResult group) {
    this.app = app;
    this.id = id;
    this.type = type;
    this.parent = parent;
    this.published = published == null ? CompletableFuture.completedFuture(null) : published;
    this.group = group;
  }

  /** A result standing for {@code group}: same id and parent, members' results as its value. */
  static <T> AsyncResult<T> ofGroup(GroupResult group, JavaType type) {
    return new AsyncResult<>(group.app(), group.id(), type, group.parent(), null, group);
  }

  /**
   * Celery's {@code result_from_tuple}: a task's {@code [[id, parent], null]} gives its result, a
   * group's {@code [[gid, parent], [member tuples...]]} a result standing for the group ({@link
   * #group()}). {@code tuple} is the JSON form or what a result converted to Java (lists), e.g. the
   * value of a task that returned an AsyncResult.
   *
   * @throws IllegalArgumentException when {@code tuple} is not in that form
   */
  public static AsyncResult<Object> fromTuple(Apium app, Object tuple) {
    return ResultTuples.read(app, tuple);
  }

  /** The group this result stands for (see the class comment); empty for a task's result. */
  public Optional<GroupResult> group() {
    return Optional.ofNullable(group);
  }

  /**
   * Celery's {@code AsyncResult.children}: the results of the tasks and groups this task sent while
   * it ran (link callbacks, the next step of its chain, a replacement...), as stored with its
   * result; empty while the task has not finished or sent nothing. For a group, its members.
   */
  public List<AsyncResult<Object>> children() {
    if (group != null) {
      return group.results();
    }
    JsonNode children = meta().map(ResultMeta::children).orElse(null);
    List<AsyncResult<Object>> out = new ArrayList<>();
    if (children != null && children.isArray()) {
      for (JsonNode child : children) {
        out.add(ResultTuples.read(app, child));
      }
    }
    return out;
  }

  /**
   * Celery's {@code collect()}: this result and then, breadth first, every result it (and they)
   * started, each with its value, waiting for each in turn within {@code timeout} overall; a result
   * listed twice comes once.
   *
   * @throws TaskFailedException for the first one that failed
   * @throws TaskTimeoutException when one is not ready in time
   */
  public List<Map.Entry<AsyncResult<Object>, Object>> collect(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Map.Entry<AsyncResult<Object>, Object>> out = new ArrayList<>();
    Deque<AsyncResult<Object>> queue = new ArrayDeque<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    queue.add(as(Object.class));
    while (!queue.isEmpty()) {
      AsyncResult<Object> node = queue.poll();
      if (!seen.add((node.group == null ? "task:" : "group:") + node.id)) {
        continue; // a retried task lists itself among its children
      }
      Object value = node.get(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      out.add(new AbstractMap.SimpleImmutableEntry<>(node, value));
      queue.addAll(node.children());
    }
    return out;
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
    if (group != null) {
      return group.toTuple();
    }
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
    return new AsyncResult<>(app, id, app.type(resultType), parent, published, group);
  }

  /** The same id with a generic result type: {@code r.as(new TypeReference<List<Order>>() {})}. */
  public <U> AsyncResult<U> as(com.fasterxml.jackson.core.type.TypeReference<U> resultType) {
    return new AsyncResult<>(app, id, app.type(resultType), parent, published, group);
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
    if (group != null) {
      return Optional.empty();
    }
    return app.backend().get(id);
  }

  /** PENDING, STARTED, PROGRESS, RETRY, SUCCESS, FAILURE, REVOKED... */
  public String state() {
    if (group != null) {
      return group.failed()
          ? TaskState.FAILURE
          : group.successful() ? TaskState.SUCCESS : TaskState.PENDING;
    }
    return meta().map(ResultMeta::status).orElse(TaskState.PENDING);
  }

  /** The stored result or state meta (for PROGRESS: {@code {current, total, percent}}), or null. */
  public JsonNode info() {
    return meta().map(ResultMeta::result).orElse(null);
  }

  public boolean ready() {
    if (group != null) {
      return group.ready();
    }
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
    if (group != null) {
      return group.results().stream()
          .map(AsyncResult::exception)
          .filter(java.util.Objects::nonNull)
          .findFirst()
          .orElse(null);
    }
    return meta().filter(m -> TaskState.propagates(m.status())).map(this::failure).orElse(null);
  }

  /** Waits for the result. @throws TaskFailedException if it failed or was revoked */
  public T get(Duration timeout) {
    if (group != null) {
      return convertList(group.join(timeout));
    }
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
    if (group != null) {
      List<CompletableFuture<Object>> members =
          group.results().stream().map(AsyncResult::toCompletableFuture).toList();
      return CompletableFuture.allOf(members.toArray(CompletableFuture[]::new))
          .thenApplyAsync(
              v -> convertList(members.stream().map(CompletableFuture::join).toList()), CALLBACKS);
    }
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
    if (group != null) {
      group.forget();
      return;
    }
    app.backend().forget(id);
  }

  private T convertList(List<Object> values) {
    return ArgumentBinder.convert(
        CeleryJson.toTree(values), type, "results of group " + id + " (" + values.size() + ")");
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
    return group != null ? group.toString() : "AsyncResult[" + id + "]";
  }
}
