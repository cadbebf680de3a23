package dev.apium.listen;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.worker.Worker;
import java.time.Duration;

/**
 * Watches tasks through their life: on the client ({@link #beforePublish}, {@link #afterPublish})
 * and on the worker ({@link #received} → {@link #started} → one of {@link #succeeded}, {@link
 * #failed}, {@link #retried}, {@link #revoked} → {@link #ended}; {@link #rejected} for messages
 * that never became a task; {@link #workerReady} / {@link #workerStopping} around the worker).
 * Register one with {@code Apium.builder().listener(...)} (client and every worker of the app) or
 * {@code app.worker().listener(...)} (that worker only). Every method does nothing by default.
 *
 * <p>Threads: {@code beforePublish} runs on the thread that sends; {@code afterPublish} on the
 * thread that sends, or for a pipelined send on the thread that sees the broker's confirmation;
 * {@code received} on the transport thread; {@code started} to {@code ended} on the pool thread
 * that runs the task (with its {@code TaskContext} bound, so a task sent from a listener there is
 * the task's child); {@code revoked} on the pool, transport, mailbox or time-limit thread. Methods
 * must be quick and must not block: they run inside the engine. An exception thrown by a listener
 * is logged and ignored. With no listener registered the engine does no listener work at all.
 */
public interface TaskListener {
  /**
   * A task message is about to be published; {@link OutgoingTask#header} adds a message header (a
   * trace context, say). Called for every send: client calls, canvas steps, retries.
   */
  default void beforePublish(OutgoingTask task) {}

  /** The message was published ({@code error} null) or the broker finally refused it. */
  default void afterPublish(OutgoingTask task, Throwable error) {}

  /** The worker took the message and will run it (now, at its ETA, or after its rate limit). */
  default void received(TaskInfo task) {}

  /** The task starts running on this pool thread. */
  default void started(TaskInfo task) {}

  /** The task returned {@code result} (JSON, as stored) after {@code runtime}. */
  default void succeeded(TaskInfo task, JsonNode result, Duration runtime) {}

  /** The task ended FAILURE: its exception in Celery's form and its traceback text. */
  default void failed(TaskInfo task, ExceptionInfo error, String traceback) {}

  /** The task will run again: {@code cause} (null for a plain {@code retry()}) and traceback. */
  default void retried(TaskInfo task, ExceptionInfo cause, String traceback) {}

  /**
   * The task ended REVOKED: {@code reason} is {@code revoked} (refused before it ran), {@code
   * expired} or {@code terminated} ({@code revoke(terminate=True)} while it ran).
   */
  default void revoked(TaskInfo task, String reason) {}

  /**
   * A message that could not become a task went to the dead letters: unreadable or of a task not
   * registered here. {@code taskId} and {@code taskName} are null when the message did not say.
   */
  default void rejected(String taskId, String taskName, String queue, String reason) {}

  /** After the task's end and its follow-ups (next chain step, callbacks), on the pool thread. */
  default void ended(TaskInfo task) {}

  /** The worker consumes its queues. */
  default void workerReady(Worker worker) {}

  /** The worker begins its shutdown (warm or cold). */
  default void workerStopping(Worker worker) {}
}
