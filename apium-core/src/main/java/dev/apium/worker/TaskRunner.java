package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.RetryRequest;
import dev.apium.TaskError;
import dev.apium.TaskReplaced;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.worker.Settlement.ResultNotStored;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task from start to end on a pool thread: the checks (revoked, expired), the early ack,
 * STARTED, the invocation with its context bound by the {@link WorkerHost}, then hands the outcome
 * to the {@link Settlement} (SUCCESS, FAILURE) or the {@link Retrier} (RETRY), and the late ack.
 * Every branch says whether it acks. One instance per worker, shared by its pool threads; stateless
 * apart from the collaborators it is handed.
 */
final class TaskRunner {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  private final WorkerHost host;
  private final Settlement settlement;
  private final Executions executions;
  private final Retrier retrier;
  private final String nodename;
  private final AtomicBoolean coldShutdown;

  TaskRunner(
      WorkerHost host,
      Settlement settlement,
      Executions executions,
      Retrier retrier,
      String nodename,
      AtomicBoolean coldShutdown) {
    this.host = host;
    this.settlement = settlement;
    this.executions = executions;
    this.retrier = retrier;
    this.nodename = nodename;
    this.coldShutdown = coldShutdown;
  }

  /** Runs {@code r} with its id and name in this thread's logging MDC. */
  void run(Request r) {
    OperatorLog.bind(r);
    try {
      runBound(r);
    } finally {
      OperatorLog.unbind();
    }
  }

  private void runBound(Request r) {
    if (settlement.refuseIfRevokedOrExpired(r)) {
      return;
    }
    boolean acksLate = settlement.acksLate(r);
    if (!acksLate) {
      r.ack();
    }
    long started = System.nanoTime();
    CompletableFuture<Void> stored = null;
    Execution execution = executions.begin(r);
    settlement.observer().started(r);
    // Bound until the finally below, not by try-with-resources: the follow-ups and the retrier run
    // in the catch branches and must still see the context (pipelined sends, errbacks).
    WorkerHost.Invocation invocation =
        host.enter(
            r.message, r.delivery, nodename, execution::softExceeded, execution::softLimitError);
    r.children(invocation::children);
    try {
      if (settlement.trackStarted(r)) {
        ObjectNode info = CeleryJson.object();
        info.put("pid", ProcessHandle.current().pid());
        info.put("hostname", nodename);
        settlement.store(r, ResultMeta.state(r.id(), TaskState.STARTED, info));
      }
      Object value = invocation.call(r.task.function());
      if (!execution.finish()) {
        log.info("Task {} returned after it was settled (time limit or terminate): discarded", r);
        return;
      }
      JsonNode result = toJson(r, value);
      stored = settlement.succeeded(r, result, System.nanoTime() - started);
    } catch (RetryRequest retry) {
      if (execution.finish()) {
        retrier.retry(r, retry.countdown(), retry.eta(), retry.getCause(), retry.maxRetries());
      }
    } catch (TaskReplaced replaced) {
      execution.finish();
      log.info("Task {}: {}", r, replaced.getMessage());
      settlement.replaced(r);
    } catch (ResultNotStored e) {
      settlement.notStored(r, e, acksLate);
    } catch (Throwable error) {
      if (!execution.finish()) {
        log.info("Task {} ended after it was settled (time limit or terminate): discarded", r);
        return;
      }
      Throwable cause = execution.translate(Failures.unwrap(error));
      if (coldShutdown.get() && acksLate) {
        settlement.returnOnColdShutdown(r);
        return;
      }
      if (autoRetries(r, cause)) {
        retrier.retry(r, Backoff.delay(r.task.options(), r.message.retries()), null, cause);
      } else {
        settlement.fail(r, Failures.info(cause), Failures.traceback(cause));
      }
      if (cause instanceof Error e && !(cause instanceof AssertionError)) {
        log.error("task {} raised an Error", r, e);
      }
    } finally {
      executions.end(execution);
      if (execution.finish()) {
        // else the thread that took the task over (time limit, terminate) reports its end
        settlement.observer().ended(r);
      }
      invocation.close();
      if (acksLate) {
        settlement.ackWhenStored(r, stored);
      }
    }
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

  private boolean autoRetries(Request r, Throwable cause) {
    List<Class<? extends Throwable>> types = r.task.options().autoretryFor();
    for (Class<? extends Throwable> type : types) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
