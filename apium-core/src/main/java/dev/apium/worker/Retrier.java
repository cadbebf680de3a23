package dev.apium.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.TaskOptions;
import dev.apium.internal.TransientRetry;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-publishes a task that asked to be retried, exactly as Celery does: same id, root and args,
 * {@code retries + 1}, a new ETA, {@code parent_id} = its own id, to the queue it came from; RETRY
 * is stored just before the publish (Celery stores it just after) so it can never overwrite the
 * retried run's final state. Past {@code maxRetries} the task fails with the cause or {@code
 * MaxRetriesExceededError}; the outcome is written by the {@link Settlement}. Called on the pool
 * thread that ran the task.
 */
final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);
  private final Clock clock;
  private final WorkerHost host;
  private final Settlement settlement;
  private final String nodename;
  private final Duration retryBudget;

  Retrier(
      Clock clock, WorkerHost host, Settlement settlement, String nodename, Duration retryBudget) {
    this.clock = clock;
    this.host = host;
    this.settlement = settlement;
    this.nodename = nodename;
    this.retryBudget = retryBudget;
  }

  /**
   * Retries {@code r} after {@code countdown} or at {@code eta} (the task's default delay when both
   * are null) because of {@code cause} (may be null).
   */
  void retry(Request r, Duration countdown, Instant eta, Throwable cause) {
    retry(r, countdown, eta, cause, null);
  }

  /** As {@link #retry(Request, Duration, Instant, Throwable)}, with this call's own limit. */
  void retry(Request r, Duration countdown, Instant eta, Throwable cause, Integer maxRetries) {
    TaskOptions options = r.task.options();
    int max = maxRetries != null ? maxRetries : options.maxRetries();
    if (max >= 0 && r.message.retries() >= max) {
      ExceptionInfo info =
          cause != null
              ? Failures.info(cause)
              : ExceptionInfo.of(
                  "celery.exceptions",
                  "MaxRetriesExceededError",
                  "Can't retry "
                      + r.message.task()
                      + "["
                      + r.id()
                      + "] args:"
                      + r.message.argsRepr()
                      + " kwargs:"
                      + r.message.kwargsRepr());
      settlement.fail(r, info, cause == null ? null : Failures.traceback(cause));
      return;
    }
    Instant now = clock.instant();
    Instant at =
        eta != null ? eta : now.plus(countdown != null ? countdown : options.defaultRetryDelay());
    TaskMessage next =
        r.message.toBuilder()
            .retries(r.message.retries() + 1)
            .eta(at)
            .parentId(r.id())
            .origin(nodename)
            .build();
    ResultMeta meta =
        ResultMeta.state(
                r.id(), TaskState.RETRY, cause == null ? null : Failures.info(cause).toJson())
            .withTraceback(
                "Retry in "
                    + Duration.between(now, at).toMillis() / 1000.0
                    + "s"
                    + (cause == null ? "" : ": " + Failures.info(cause).repr()))
            .withChildren(selfChild(r.id()));
    // RETRY is stored before the new message exists (Celery publishes first): a retry that runs
    // and fails at once could otherwise have its FAILURE overwritten by this RETRY for good.
    settlement.store(r, meta);
    // task-retried goes out before the new message can be received, as Celery's events read.
    settlement
        .observer()
        .retried(
            r,
            cause == null ? null : Failures.info(cause),
            cause == null ? null : Failures.traceback(cause));
    String queue = r.delivery.queue();
    try {
      TransientRetry.run("publishing retry of " + r, retryBudget, () -> host.publish(next, queue));
    } catch (RuntimeException e) {
      log.error("Task {} could not be re-published for its retry: failing it", r, e);
      settlement.fail(r, Failures.info(e), Failures.traceback(e));
      return;
    }
    settlement.retried(r);
    settlement.operatorLog().retried(r, meta.traceback());
  }

  /** A retried task's {@code children}: Celery lists the task itself. */
  private static ArrayNode selfChild(String id) {
    ArrayNode children = CeleryJson.array();
    ArrayNode tuple = children.addArray();
    ArrayNode idPair = tuple.addArray();
    idPair.add(id);
    idPair.addNull();
    tuple.addNull();
    return children;
  }
}
