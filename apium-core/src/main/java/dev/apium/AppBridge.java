package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;
import dev.apium.spi.Delivery;
import dev.apium.worker.WorkerHost;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The app's side of the worker engine's port ({@link WorkerHost}): binds a {@link TaskContext} and
 * calls the task's function, publishes retries through the app's {@link Publisher}, and runs the
 * canvas follow-ups ({@link CanvasFollowUp}). One instance per worker, created by {@link
 * Apium#worker()}; called on the pool threads (and, for follow-ups of tasks they settle, the
 * time-limit watchdog and the control mailbox).
 */
final class AppBridge implements WorkerHost {
  private final Apium app;
  private volatile CanvasFollowUp followUps;

  AppBridge(Apium app) {
    this.app = app;
  }

  @Override
  public void attach(String nodename) {
    followUps = CanvasFollowUp.install(app, nodename);
  }

  @Override
  public Invocation enter(
      TaskMessage message,
      Delivery delivery,
      String nodename,
      BooleanSupplier softExceeded,
      Supplier<? extends RuntimeException> softLimitError) {
    TaskContext context =
        new TaskContext(
            app,
            message,
            nodename,
            delivery.queue(),
            delivery.exchange(),
            delivery.routingKey(),
            delivery.redelivered());
    context.properties(delivery.message().properties());
    TaskContext.bind(context);
    context.softTimeLimit(softExceeded, softLimitError);
    return new Invocation() {
      @Override
      public Object call(TaskFunction function) throws Exception {
        return function.apply(new TaskCall(message.args(), message.kwargs(), context));
      }

      @Override
      public JsonNode children() {
        return context.trail().toJson();
      }

      @Override
      public void close() {
        TaskContext.bind(null);
      }
    };
  }

  @Override
  public void publish(TaskMessage message, String queue) {
    app.publisher().publish(message, CallOptions.create().queue(queue));
  }

  @Override
  public void sendSuccessors(TaskMessage message, Delivery delivery, JsonNode result) {
    followUps.sendSuccessors(message, result);
  }

  @Override
  public void onSuccess(TaskMessage message, Delivery delivery, JsonNode result) {
    followUps.onSuccess(message, delivery, result);
  }

  @Override
  public void onFailure(
      TaskMessage message, Delivery delivery, ExceptionInfo error, String traceback) {
    followUps.onFailure(message, delivery, error, traceback);
  }
}
