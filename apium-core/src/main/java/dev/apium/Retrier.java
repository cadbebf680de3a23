package dev.apium;

import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskState;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-publishes a task that asked to be retried, exactly as Celery does: same id, root and args,
 * {@code retries + 1}, a new ETA, {@code parent_id} = its own id, to the queue it came from; RETRY
 * is stored just before the publish (Celery stores it just after) so it can never overwrite the
 * retried run's final state. Past {@code maxRetries} the task fails with the cause or {@code
 * MaxRetriesExceededError}. Called on the pool thread that ran the task.
 */
final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);
  private final Apium app;
  private final Worker worker;

  Retrier(Apium app, Worker worker) {
    this.app = app;
    this.worker = worker;
  }

  void retry(Request r, RetryRequest request) {
    TaskOptions options = r.task.options();
    int max = options.maxRetries();
    Throwable cause = request.getCause();
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
      worker.runner().fail(r, info, cause == null ? null : Failures.traceback(cause));
      return;
    }
    Instant now = app.clock().instant();
    Instant eta =
        request.eta() != null
            ? request.eta()
            : now.plus(
                request.countdown() != null ? request.countdown() : options.defaultRetryDelay());
    TaskMessage next =
        r.message.toBuilder()
            .retries(r.message.retries() + 1)
            .eta(eta)
            .parentId(r.id())
            .origin(worker.nodename())
            .build();
    ResultMeta meta =
        ResultMeta.state(
                r.id(), TaskState.RETRY, cause == null ? null : Failures.info(cause).toJson())
            .withTraceback(
                "Retry in "
                    + Duration.between(now, eta).toMillis() / 1000.0
                    + "s"
                    + (cause == null ? "" : ": " + Failures.info(cause).repr()))
            .withChildren(TaskRunner.selfChild(r.id()));
    // RETRY is stored before the new message exists (Celery publishes first): a retry that runs
    // and fails at once could otherwise have its FAILURE overwritten by this RETRY for good.
    worker.runner().store(r, meta);
    // task-retried goes out before the new message can be received, as Celery's events read.
    worker
        .monitor()
        .retried(
            r,
            cause == null ? null : Failures.info(cause),
            cause == null ? null : Failures.traceback(cause));
    CallOptions route = CallOptions.create().queue(r.delivery.queue());
    try {
      TransientRetry.run(
          "publishing retry of " + r,
          worker.transientRetryBudget(),
          () -> app.publisher().publish(next, route));
    } catch (RuntimeException e) {
      log.error("Task {} could not be re-published for its retry: failing it", r, e);
      worker.runner().fail(r, Failures.info(e), Failures.traceback(e));
      return;
    }
    worker.retried(r);
    log.info("Task {} retry {} at {}", r, r.message.retries() + 1, eta);
  }
}
