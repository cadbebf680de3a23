package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.TaskFunction;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;
import dev.apium.spi.Delivery;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the worker engine needs from its app beyond the public API: run a task with its context
 * bound, publish a retry, and the canvas follow-ups. Implemented by {@code dev.apium} (its {@code
 * AppBridge}); <strong>not API</strong>: use {@code app.worker()}. Its signatures use only
 * protocol, SPI and public API types. Called on the pool thread that runs the task (the time-limit
 * watchdog and the control mailbox call {@link #onFailure} for the tasks they settle).
 */
public interface WorkerHost {
  /**
   * Called once, from the {@link Worker} constructor: registers Celery's built-in canvas tasks on
   * the app and prepares the follow-ups for the worker called {@code nodename}.
   */
  void attach(String nodename);

  /**
   * Builds the running task's context and binds it to this thread until {@link Invocation#close()}.
   * {@code softExceeded} tells whether the soft time limit fired; {@code softLimitError} makes the
   * error a task throws on {@code checkSoftTimeLimit()}.
   */
  Invocation enter(
      TaskMessage message,
      Delivery delivery,
      String nodename,
      BooleanSupplier softExceeded,
      Supplier<? extends RuntimeException> softLimitError);

  /** Publishes a task message (a retry) to {@code queue}; throws when the broker refuses it. */
  void publish(TaskMessage message, String queue);

  /**
   * The success follow-ups sent before SUCCESS is stored, as Celery's tracer does (so the stored
   * {@code children} list them): the callbacks and the next chain link. Never throws.
   */
  void sendSuccessors(TaskMessage message, Delivery delivery, JsonNode result);

  /** The success follow-ups after SUCCESS is stored: the chord join. Never throws. */
  void onSuccess(TaskMessage message, Delivery delivery, JsonNode result);

  /** The failure follow-ups: the chord, the rest of the chain, the errbacks. Never throws. */
  void onFailure(TaskMessage message, Delivery delivery, ExceptionInfo error, String traceback);

  /** A task about to run, with its context bound to the calling thread. */
  interface Invocation {
    /** Calls the task's function with the message's arguments and the bound context. */
    Object call(TaskFunction function) throws Exception;

    /**
     * Celery's {@code children}: result tuples of what the task sent so far (a JSON array), for its
     * stored state.
     */
    JsonNode children();

    /** Unbinds the context from the calling thread. */
    void close();
  }
}
