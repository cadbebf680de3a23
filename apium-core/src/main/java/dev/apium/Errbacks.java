package dev.apium;

import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a failed task's error callbacks in Celery's two forms: an {@link ErrorHandler} registered
 * here is called in-process with the failed request, the exception and the traceback; every other
 * errback is sent as a task (together, as a group) with {@code args = [failed_task_id]} and {@code
 * parent_id} = the failed task. Called on the pool thread that saw the failure; never throws.
 */
final class Errbacks {
  private static final Logger log = LoggerFactory.getLogger(Errbacks.class);

  private Errbacks() {}

  static void run(
      Apium app,
      TaskContext failed,
      List<Signature> errbacks,
      String state,
      ExceptionInfo info,
      String traceback) {
    if (errbacks == null || errbacks.isEmpty()) {
      return;
    }
    List<Signature> sent = new ArrayList<>();
    for (Signature errback : errbacks) {
      RegisteredTask local = app.task(errback.task());
      if (local != null && local.function() instanceof InProcessErrback in) {
        TaskFailedException error = new TaskFailedException(failed.id(), state, info, traceback);
        try {
          in.handler.onError(failed, error, traceback);
        } catch (Exception | AssertionError e) {
          log.error("Error handler {} for task {} raised", errback.task(), failed.id(), e);
        }
      } else {
        sent.add(errback);
      }
    }
    if (sent.isEmpty()) {
      return;
    }
    CanvasApply a = new CanvasApply();
    a.partial = CeleryJson.array().add(failed.id());
    a.parentId = failed.id();
    a.rootId = failed.rootId() != null ? failed.rootId() : failed.id();
    try {
      new CanvasSender(app).apply(CanvasForms.group(sent, null), a);
    } catch (RuntimeException e) {
      log.error("Could not send the errbacks of task {}", failed.id(), e);
    }
  }

  static String stateOf(ExceptionInfo info) {
    return "TaskRevokedError".equals(info.type()) ? TaskState.REVOKED : TaskState.FAILURE;
  }
}
