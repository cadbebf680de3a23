package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.internal.PipelinedWrites;
import dev.apium.internal.TransientRetry;
import dev.apium.listen.Listeners;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.Stamps;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskState;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a task's end is written, in the same order on every path: store its state in
 * the backend, count it, run the host's follow-ups (canvas callbacks, errbacks, the chord), then
 * settle its delivery (ack, requeue or dead-letter). Paths: success, failure, retry, refused as
 * revoked or expired, unregistered, unreadable, replaced, hard time limit, {@code revoke
 * --terminate}, state not stored. Also holds the app's per-task defaults ({@code acks_late}, {@code
 * ignore_result}, {@code track_started}, {@code result_extended}, read once) and the worker's
 * counters: every task ends in exactly one of them ({@link TaskCounts}). One instance per worker;
 * called from the transport thread (refusals, unregistered), the pool threads, the time-limit
 * watchdog and the control mailbox. {@link #drainResults} waits for the SUCCESS writes still in
 * flight at shutdown.
 */
final class Settlement {
  private static final Logger log = LoggerFactory.getLogger(Settlement.class);

  private final Apium app;
  private final WorkerHost host;
  private final RevokedIds revoked;
  private final String nodename;
  // How long result writes, acks and re-publishes are retried while the servers are away.
  private final Duration retryBudget;
  // The app's defaults, read once: the config is immutable and these are consulted for every task.
  private final boolean defaultAcksLate;
  private final boolean defaultIgnoreResult;
  private final boolean defaultTrackStarted;
  private final boolean extendedResults;
  private final PipelinedWrites resultWrites;
  private final OperatorLog operatorLog;
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong revokedTasks = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile TaskObserver observer;
  // The app's and worker's listeners, or null when none is registered (then nothing is added).
  private final TaskObserver listening;

  Settlement(
      Apium app,
      WorkerHost host,
      RevokedIds revoked,
      String nodename,
      Duration retryBudget,
      Listeners listeners) {
    this.listening = listeners.isEmpty() ? null : new ListenerObserver(listeners, nodename);
    this.observer = listening == null ? TaskObserver.NONE : listening;
    this.app = app;
    this.host = host;
    this.revoked = revoked;
    this.nodename = nodename;
    this.retryBudget = retryBudget;
    this.defaultAcksLate = app.config().getBoolean(ApiumConfig.ACKS_LATE, false);
    this.defaultIgnoreResult = app.config().getBoolean(ApiumConfig.IGNORE_RESULT, false);
    this.defaultTrackStarted = app.config().getBoolean(ApiumConfig.TRACK_STARTED, false);
    this.extendedResults = app.config().getBoolean(ApiumConfig.RESULT_EXTENDED, false);
    this.resultWrites = new PipelinedWrites("result", 1024, retryBudget);
    this.operatorLog = new OperatorLog(app.config().getInt(OperatorLog.REPR_MAXSIZE, 1024));
  }

  /** Who watches the tasks (events, inspect), next to the listeners; set once the worker starts. */
  void observe(TaskObserver value) {
    observer = listening == null ? value : new ObserverPair(value, listening);
  }

  TaskObserver observer() {
    return observer;
  }

  /** The operator's log lines (received, succeeded, failed, retry, discarded). */
  OperatorLog operatorLog() {
    return operatorLog;
  }

  // ---- the ends of a task ----

  /** A task no one registered here: FAILURE NotRegistered, counted, follow-ups, dead-lettered. */
  void unregistered(TaskMessage message, Delivery delivery) {
    String text =
        "Task of kind '"
            + message.task()
            + "' is not registered on worker "
            + nodename
            + ": register it, or route it to a worker that has it";
    log.error(
        "Received unregistered task {}[{}]: moved to dead letters. {}",
        message.task(),
        message.id(),
        text);
    ExceptionInfo info =
        ExceptionInfo.of("celery.exceptions", "NotRegistered", "'" + message.task() + "'");
    app.backend()
        .store(
            app.resultDates()
                .apply(
                    ResultMeta.failure(message.id(), info, text, app.clock().instant()),
                    app.clock().instant())
                .withGroupAndParent(message.group(), message.parentId()));
    failed.incrementAndGet();
    observer.unregistered(message);
    observer.rejected(message.id(), message.task(), delivery.queue(), "NotRegistered");
    host.onFailure(message, delivery, info, text);
    delivery.deadLetter("NotRegistered: " + message.task());
  }

  /** Marks an expired or revoked task REVOKED and acks it; true when it must not run. */
  boolean refuseIfRevokedOrExpired(Request r) {
    String reason = null;
    if (revoked.refuses(r.id(), r.delivery.message().headers())) {
      reason = "revoked";
    } else if (r.message.expires() != null && r.message.expires().isBefore(app.clock().instant())) {
      reason = "expired";
    }
    if (reason == null) {
      return false;
    }
    operatorLog.discarded(r, reason);
    observer.revoked(r, "expired".equals(reason));
    ExceptionInfo info = ExceptionInfo.of("celery.exceptions", "TaskRevokedError", reason);
    store(r, revokedMeta(r.id(), info));
    r.ack();
    revokedTasks.incrementAndGet();
    host.onFailure(r.message, r.delivery, info, null);
    return true;
  }

  /**
   * SUCCESS: written without waiting for the backend (the returned future, null when the result is
   * ignored, completes once it is stored), counted, then the follow-ups run.
   */
  CompletableFuture<Void> succeeded(Request r, JsonNode result, long nanos) {
    CompletableFuture<Void> stored = null;
    // Celery sends these before the state is written, which then lists them as children.
    host.sendSuccessors(r.message, r.delivery, result);
    if (!ignoreResult(r)) {
      stored = storePipelined(r, app.resultDates().success(r.id(), result, app.clock().instant()));
    }
    processed.incrementAndGet();
    observer.succeeded(r, result, nanos);
    operatorLog.succeeded(r, result, nanos);
    host.onSuccess(r.message, r.delivery, result);
    return stored;
  }

  /** Stores FAILURE, logs it, counts it, and runs the error follow-ups. */
  void fail(Request r, ExceptionInfo info, String traceback) {
    operatorLog.failed(r, info, traceback);
    if (!ignoreResult(r)) {
      store(r, ResultMeta.failure(r.id(), info, traceback, app.clock().instant()));
    }
    failed.incrementAndGet();
    observer.failed(r, info, traceback);
    host.onFailure(r.message, r.delivery, info, traceback);
  }

  /** The task was re-published for its retry (RETRY already stored by the {@link Retrier}). */
  void retried(Request r) {
    processed.incrementAndGet();
  }

  /**
   * The hard time limit took the task over: FAILURE {@code TimeLimitExceeded}, then acked (Celery's
   * {@code acks_on_failure_or_timeout}).
   */
  void timedOut(Request r, ExceptionInfo info, String traceback) {
    try {
      fail(r, info, traceback);
    } finally {
      r.ack();
    }
  }

  /** {@code revoke --terminate} took the task over: REVOKED {@code terminated}, then acked. */
  void terminated(Request r) {
    ExceptionInfo info = ExceptionInfo.of("celery.exceptions", "TaskRevokedError", "terminated");
    try {
      store(r, revokedMeta(r.id(), info));
      revokedTasks.incrementAndGet();
      observer.terminated(r);
      host.onFailure(r.message, r.delivery, info, null);
    } finally {
      r.ack();
    }
  }

  /** The backend stayed away for the whole retry budget: rerun an acks_late task, else log. */
  void notStored(Request r, ResultNotStored e, boolean acksLate) {
    if (acksLate) {
      log.error("{}; returning the task to the broker to run again", e.getMessage());
      r.requeue();
      observer.requeued(r);
    } else {
      log.error(
          "{}; the task ran but its state is lost (use acks_late to rerun it)", e.getMessage());
      failed.incrementAndGet();
    }
  }

  /** The task replaced itself with a new signature that carries its id on. */
  void replaced(Request r) {
    processed.incrementAndGet();
  }

  /**
   * A message no one can read: counted as rejected and moved to the dead letters; when its task id
   * is readable, a FAILURE naming what was wrong is stored first, so a caller's {@code get()}
   * raises at once instead of waiting for its timeout.
   */
  void unreadable(Delivery delivery, String reason) {
    String taskId = UnreadableMessages.taskId(delivery.message());
    if (taskId == null) {
      log.error(
          "Malformed message (delivery tag {}, queue {}, no task id) moved to dead letters: {}",
          delivery.deliveryTag(),
          delivery.queue(),
          reason);
    } else {
      log.error(
          "Malformed task message {} (queue {}) moved to dead letters, FAILURE stored: {}",
          taskId,
          delivery.queue(),
          reason);
      ExceptionInfo info = UnreadableMessages.exception(reason);
      try {
        Instant now = app.clock().instant();
        app.backend()
            .store(app.resultDates().apply(ResultMeta.failure(taskId, info, null, now), now));
      } catch (RuntimeException e) {
        log.warn("could not store the FAILURE of malformed task {}: {}", taskId, e.toString());
      }
    }
    rejected.incrementAndGet();
    observer.rejected(taskId, null, delivery.queue(), reason);
    delivery.deadLetter(reason);
  }

  /** A cold shutdown interrupted an {@code acks_late} task: it goes back to the broker. */
  void returnOnColdShutdown(Request r) {
    log.warn("Cold shutdown: returning running task {} to the broker", r);
    r.requeue();
    observer.requeued(r);
  }

  /** Acks once SUCCESS is stored; requeues if it could not be (acks_late: the task runs again). */
  void ackWhenStored(Request r, CompletableFuture<Void> stored) {
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

  // ---- storing ----

  /** Stores a meta with the task's group and parent ids and, when enabled, extended fields. */
  void store(Request r, ResultMeta meta) {
    ResultMeta stored = complete(r, meta);
    try {
      TransientRetry.run(
          () -> "storing " + meta.status() + " of " + r,
          retryBudget,
          () -> app.backend().storeFor(stored, r.message.replyTo()));
    } catch (BrokerException e) {
      throw new ResultNotStored(r, e);
    }
  }

  /**
   * Writes SUCCESS without waiting for the backend: the pool thread moves on to the next task while
   * the write is confirmed. A write that finally fails is logged; an {@code acks_late} task is then
   * returned to the broker (see {@link #ackWhenStored}).
   */
  private CompletableFuture<Void> storePipelined(Request r, ResultMeta meta) {
    ResultMeta full = withTaskFields(r, meta); // dated in the app's form already
    String replyTo = r.message.replyTo();
    CompletableFuture<Void> stored =
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

  /**
   * The meta dated in the app's form, with the task's group and parent ids and, when enabled, the
   * extended fields.
   */
  private ResultMeta complete(Request r, ResultMeta meta) {
    return withTaskFields(r, app.resultDates().apply(meta, app.clock().instant()));
  }

  /** The meta with the task's group and parent ids and, when enabled, the extended fields. */
  private ResultMeta withTaskFields(Request r, ResultMeta meta) {
    ResultMeta full = meta.withGroupAndParent(r.message.group(), r.message.parentId());
    JsonNode children = meta.children().isEmpty() ? r.children() : null;
    if (children != null && !children.isEmpty()) {
      full = full.withChildren(children);
    }
    if (extendedResults) {
      ObjectNode extended = CeleryJson.object();
      extended.put("name", r.message.task());
      extended.set("args", r.message.args());
      extended.set("kwargs", r.message.kwargs());
      extended.put("worker", nodename);
      extended.put("retries", r.message.retries());
      extended.put("queue", r.delivery.queue());
      stampsOf(r, extended);
      full = full.withExtended(extended);
    }
    return full;
  }

  /**
   * Celery 5.3+'s extended meta of a stamped task: {@code stamped_headers}, then each stamp as a
   * field of its own ({@code request_meta.update(request.stamps)}).
   */
  private static void stampsOf(Request r, ObjectNode extended) {
    Map<String, Object> headers = r.message.extraHeaders();
    if (headers.get(Stamps.STAMPS) instanceof Map<?, ?> stamps && !stamps.isEmpty()) {
      extended.set(Stamps.STAMPED_HEADERS, CeleryJson.toTree(headers.get(Stamps.STAMPED_HEADERS)));
      stamps.forEach((k, v) -> extended.set(String.valueOf(k), CeleryJson.toTree(v)));
    }
  }

  private ResultMeta revokedMeta(String id, ExceptionInfo info) {
    return new ResultMeta(
        TaskState.REVOKED,
        info.toJson(),
        null,
        null,
        app.resultDates().dateDone(app.clock().instant()),
        id,
        null,
        null,
        null);
  }

  /** Waits for SUCCESS states still being written (warm shutdown); false if some were not. */
  boolean drainResults(Duration deadline) {
    return resultWrites.close(deadline);
  }

  // ---- the task's own settings, over the app's defaults ----

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

  boolean trackStarted(Request r) {
    Boolean own = r.task.options().trackStarted();
    return own != null ? own : defaultTrackStarted;
  }

  // ---- counters ----

  TaskCounts counts() {
    return new TaskCounts(processed.get(), failed.get(), revokedTasks.get(), rejected.get());
  }

  /** The result backend stayed unreachable for the whole retry budget. */
  static final class ResultNotStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResultNotStored(Request r, RuntimeException cause) {
      super("could not store the state of " + r + ": " + cause.getMessage(), cause);
    }
  }
}
