package dev.apium;

import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ResultBackend;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery 5.6.2+'s revoke (celery#9869): every id of a {@code revoke} broadcast is stored REVOKED in
 * the result backend as soon as the broadcast arrives, not only when the worker drops the message,
 * so a client sees REVOKED at once even for a task waiting for its ETA. A task already in a ready
 * state keeps it. {@code task_revoke_store_on_receipt=false} keeps Celery 5.2.6's behaviour
 * (REVOKED written when the message is discarded). Entry point: {@link #revoked(List)}, called by
 * the worker's mailbox thread for each {@code revoke} command.
 */
public final class RevokeOnReceipt {
  /** Apium's switch back to 5.2.6 behaviour (default true: 5.6.2+). */
  public static final String SETTING = "task_revoke_store_on_receipt";

  private static final Logger LOG = LoggerFactory.getLogger(RevokeOnReceipt.class);
  private final Apium app;
  private final boolean enabled;

  public RevokeOnReceipt(Apium app) {
    this.app = app;
    this.enabled = app.config().getBoolean(SETTING, true);
  }

  /** Stores REVOKED for each id that is not ready yet; returns how many were stored. */
  public int revoked(List<String> ids) {
    if (!enabled) {
      return 0;
    }
    ResultBackend backend = app.backend();
    Instant now = app.clock().instant();
    int stored = 0;
    for (String id : ids) {
      try {
        if (backend.get(id).map(m -> TaskState.isReady(m.status())).orElse(false)) {
          continue;
        }
        ExceptionInfo info = ExceptionInfo.of("celery.exceptions", "TaskRevokedError", "revoked");
        backend.store(
            new ResultMeta(
                TaskState.REVOKED,
                info.toJson(),
                null,
                null,
                app.resultDates().dateDone(now),
                id,
                null,
                null,
                null));
        stored++;
      } catch (RuntimeException e) {
        LOG.warn("cannot store REVOKED for {} on receipt: {}", id, e.getMessage());
      }
    }
    return stored;
  }
}
