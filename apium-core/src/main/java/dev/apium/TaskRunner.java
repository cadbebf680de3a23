package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task from start to end on a pool thread: the checks (revoked, expired), the early ack,
 * STARTED, the invocation, then SUCCESS, RETRY or FAILURE stored in the backend, the canvas
 * follow-ups, and the late ack. Every branch says whether it acks. One instance per worker, shared
 * by its pool threads; stateless apart from the worker it serves.
 */
final class TaskRunner {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  private final Apium app;
  private final Worker worker;
  // The app's defaults, read once: the config is immutable and these are consulted for every task.
  private final boolean defaultAcksLate;
  private final boolean defaultIgnoreResult;
  private final boolean defaultTrackStarted;
  private final boolean extendedResults;
  private final PipelinedWrites resultWrites;

  TaskRunner(Apium app, Worker worker) {
    this.app = app;
    this.worker = worker;
    this.defaultAcksLate = app.config().getBoolean(ApiumConfig.ACKS_LATE, false);
    this.defaultIgnoreResult = app.config().getBoolean(ApiumConfig.IGNORE_RESULT, false);
    this.defaultTrackStarted = app.config().getBoolean(ApiumConfig.TRACK_STARTED, false);
    this.extendedResults = app.config().getBoolean(ApiumConfig.RESULT_EXTENDED, false);
    this.resultWrites = new PipelinedWrites("result", 1024, worker.transientRetryBudget());
  }

  /** Waits for SUCCESS states still being written (warm shutdown); false if some were not. */
  boolean drainResults(java.time.Duration deadline) {
    return resultWrites.close(deadline);
  }

  void run(Request r) {
    if (worker.refuseIfRevokedOrExpired(r)) {
      return;
    }
    boolean acksLate = acksLate(r);
    if (!acksLate) {
      r.ack();
    }
    TaskContext context =
        new TaskContext(
            app,
            r.message,
            worker.nodename(),
            r.delivery.queue(),
            r.delivery.exchange(),
            r.delivery.routingKey(),
            r.delivery.redelivered());
    TaskContext.bind(context);
    long started = System.nanoTime();
    java.util.concurrent.CompletableFuture<Void> stored = null;
    Execution execution = worker.executions().begin(r);
    worker.monitor().started(r);
    context.execution(execution);
    try {
      if (trackStarted(r)) {
        ObjectNode info = CeleryJson.object();
        info.put("pid", ProcessHandle.current().pid());
        info.put("hostname", worker.nodename());
        store(r, ResultMeta.state(r.id(), TaskState.STARTED, info));
      }
      Object value =
          r.task.function().apply(new TaskCall(r.message.args(), r.message.kwargs(), context));
      if (!execution.finish()) {
        log.info("Task {} returned after it was settled (time limit or terminate): discarded", r);
        return;
      }
      JsonNode result = toJson(r, value);
      if (!ignoreResult(r)) {
        stored = storePipelined(r, ResultMeta.success(r.id(), result, app.clock().instant()));
      }
      worker.succeeded(r, result, System.nanoTime() - started);
      worker.hook().onSuccess(r, result);
    } catch (RetryRequest retry) {
      if (execution.finish()) {
        new Retrier(app, worker).retry(r, retry);
      }
    } catch (TaskReplaced replaced) {
      execution.finish();
      log.info("Task {}: {}", r, replaced.getMessage());
    } catch (ResultNotStored e) {
      if (acksLate) {
        log.error("{}; returning the task to the broker to run again", e.getMessage());
        r.requeue();
      } else {
        log.error(
            "{}; the task ran but its state is lost (use acks_late to rerun it)", e.getMessage());
      }
    } catch (Throwable error) {
      if (!execution.finish()) {
        log.info("Task {} ended after it was settled (time limit or terminate): discarded", r);
        return;
      }
      Throwable cause = execution.translate(Failures.unwrap(error));
      if (worker.coldShutdown() && acksLate) {
        log.warn("Cold shutdown: returning running task {} to the broker", r);
        r.requeue();
        return;
      }
      if (autoRetries(r, cause)) {
        new Retrier(app, worker)
            .retry(r, context.retry(Backoff.delay(r.task.options(), r.message.retries()), cause));
      } else {
        fail(r, Failures.info(cause), Failures.traceback(cause));
      }
      if (cause instanceof Error e && !(cause instanceof AssertionError)) {
        log.error("task {} raised an Error", r, e);
      }
    } finally {
      worker.executions().end(execution);
      worker.monitor().ended(r);
      TaskContext.bind(null);
      if (acksLate) {
        ackWhenStored(r, stored);
      }
    }
  }

  /**
   * Writes SUCCESS without waiting for the backend: the pool thread moves on to the next task while
   * the write is confirmed. A write that finally fails is logged; an {@code acks_late} task is then
   * returned to the broker (see {@link #ackWhenStored}).
   */
  private java.util.concurrent.CompletableFuture<Void> storePipelined(Request r, ResultMeta meta) {
    ResultMeta full = complete(r, meta);
    String replyTo = r.message.replyTo();
    java.util.concurrent.CompletableFuture<Void> stored =
        resultWrites.start(
            "storing SUCCESS of " + r,
            () -> app.backend().storeForAsync(full, replyTo),
            () -> app.backend().storeFor(full, replyTo));
    stored.whenComplete(
        (v, error) -> {
          if (error != null && !acksLate(r)) {
            log.error(
                "could not store the state of {}: {}; the task ran but its state is lost (use"
                    + " acks_late to rerun it)",
                r,
                error.getMessage());
          }
        });
    return stored;
  }

  /** Acks once SUCCESS is stored; requeues if it could not be (acks_late: the task runs again). */
  private void ackWhenStored(Request r, java.util.concurrent.CompletableFuture<Void> stored) {
    if (stored == null || (stored.isDone() && !stored.isCompletedExceptionally())) {
      r.ack();
      return;
    }
    // Never settle on a transport callback thread: acks and requeues may block.
    stored.whenCompleteAsync(
        (v, error) -> {
          if (error == null) {
            r.ack();
          } else {
            log.error(
                "could not store the state of {}: {}; returning the task to the broker to run"
                    + " again",
                r,
                error.getMessage());
            r.requeue();
          }
        },
        resultWrites.callbacks());
  }

  /** Stores FAILURE, logs it, and runs the error follow-ups. */
  void fail(Request r, ExceptionInfo info, String traceback) {
    log.info("Task {} failed: {}: {}", r, info.type(), info.message());
    if (!ignoreResult(r)) {
      store(r, ResultMeta.failure(r.id(), info, traceback, app.clock().instant()));
    }
    worker.failed(r, info);
    worker.monitor().failed(r, info, traceback);
    worker.hook().onFailure(r, info, traceback);
  }

  private JsonNode toJson(Request r, Object value) {
    try {
      return CeleryJson.toTree(value);
    } catch (RuntimeException | StackOverflowError e) {
      throw new TaskError(
          "apium.exceptions",
          "EncodeError",
          "result of task "
              + r.message.task()
              + " ("
              + (value == null ? "null" : value.getClass().getName())
              + ") cannot be written as JSON: "
              + e.getMessage());
    }
  }

  /** Stores a meta with the task's group and parent ids and, when enabled, extended fields. */
  void store(Request r, ResultMeta meta) {
    ResultMeta stored = complete(r, meta);
    try {
      TransientRetry.run(
          "storing " + meta.status() + " of " + r,
          worker.transientRetryBudget(),
          () -> app.backend().storeFor(stored, r.message.replyTo()));
    } catch (dev.apium.spi.BrokerException e) {
      throw new ResultNotStored(r, e);
    }
  }

  /** The meta with the task's group and parent ids and, when enabled, the extended fields. */
  private ResultMeta complete(Request r, ResultMeta meta) {
    ResultMeta full = meta.withGroupAndParent(r.message.group(), r.message.parentId());
    if (extendedResults) {
      ObjectNode extended = CeleryJson.object();
      extended.put("name", r.message.task());
      extended.set("args", r.message.args());
      extended.set("kwargs", r.message.kwargs());
      extended.put("worker", worker.nodename());
      extended.put("retries", r.message.retries());
      extended.put("queue", r.delivery.queue());
      full = full.withExtended(extended);
    }
    return full;
  }

  private boolean autoRetries(Request r, Throwable cause) {
    List<Class<? extends Throwable>> types = r.task.options().autoretryFor();
    for (Class<? extends Throwable> type : types) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  boolean acksLate(Request r) {
    Boolean own = r.task.options().acksLate();
    return own != null ? own : defaultAcksLate;
  }

  boolean ignoreResult(Request r) {
    if (r.message.ignoreResult()) {
      return true;
    }
    Boolean own = r.task.options().ignoreResult();
    return own != null ? own : defaultIgnoreResult;
  }

  private boolean trackStarted(Request r) {
    Boolean own = r.task.options().trackStarted();
    return own != null ? own : defaultTrackStarted;
  }

  /** The result backend stayed unreachable for the whole retry budget. */
  static final class ResultNotStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResultNotStored(Request r, RuntimeException cause) {
      super("could not store the state of " + r + ": " + cause.getMessage(), cause);
    }
  }

  /** A retried task's {@code children}: Celery lists the task itself. */
  static ArrayNode selfChild(String id) {
    ArrayNode children = CeleryJson.array();
    ArrayNode tuple = children.addArray();
    ArrayNode idPair = tuple.addArray();
    idPair.add(id);
    idPair.addNull();
    tuple.addNull();
    return children;
  }

  static Instant now(Apium app) {
    return app.clock().instant();
  }
}
