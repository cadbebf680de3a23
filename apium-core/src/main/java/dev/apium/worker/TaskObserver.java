package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;

/**
 * What the engine tells whoever watches its tasks (the {@link WorkerMonitor}, which sends Celery's
 * events and answers inspect, and the {@link ListenerObserver} when listeners are registered): one
 * call per step of a task, from the thread that takes the step (transport thread for {@link
 * #received}, pool thread for the rest, mailbox or watchdog for a revoke). Every method does
 * nothing by default, so the engine runs the same without a watcher. Implementations must not
 * block.
 */
interface TaskObserver {
  TaskObserver NONE = new TaskObserver() {};

  default void received(Request r) {}

  default void started(Request r) {}

  default void ended(Request r) {}

  default void succeeded(Request r, JsonNode result, long nanos) {}

  default void failed(Request r, ExceptionInfo info, String traceback) {}

  default void retried(Request r, ExceptionInfo cause, String traceback) {}

  default void revoked(Request r, boolean expired) {}

  /** {@code revoke(terminate=True)} ended the running task REVOKED (its event is sent apart). */
  default void terminated(Request r) {}

  /** A message that never became a task went to the dead letters (unreadable, unregistered). */
  default void rejected(String taskId, String taskName, String queue, String reason) {}

  /** A running task went back to the broker instead of ending (Celery's {@code task-rejected}). */
  default void requeued(Request r) {}

  /** A message for a task no one registered here (it ends FAILURE {@code NotRegistered}). */
  default void unregistered(TaskMessage message) {}
}
