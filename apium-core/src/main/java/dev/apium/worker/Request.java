package dev.apium.worker;

import dev.apium.RegisteredTask;
import dev.apium.internal.TransientRetry;
import dev.apium.protocol.TaskMessage;
import dev.apium.spi.Delivery;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A received task: the decoded message, the delivery that carries its acknowledgement, and the
 * registered task that will run it. Created on the transport thread, then handed to the ETA timer
 * or the pool; settled exactly once (the flag guards double settling across threads).
 */
final class Request {
  final TaskMessage message;
  final Delivery delivery;
  final RegisteredTask task;

  /** Wall-clock time the worker received it (epoch millis), for listeners' queue-wait figures. */
  final long receivedMillis = System.currentTimeMillis();

  private static final java.time.Duration RETRY_BUDGET = java.time.Duration.ofSeconds(60);
  private final AtomicBoolean settled = new AtomicBoolean();
  private final java.util.function.Consumer<Request> onSettled;

  Request(TaskMessage message, Delivery delivery, RegisteredTask task) {
    this(message, delivery, task, r -> {});
  }

  /** {@code onSettled} runs once, right after the delivery is acked, requeued or dead-lettered. */
  Request(
      TaskMessage message,
      Delivery delivery,
      RegisteredTask task,
      java.util.function.Consumer<Request> onSettled) {
    this.message = message;
    this.delivery = delivery;
    this.task = task;
    this.onSettled = onSettled;
  }

  // What the running task sent (Celery's children), set by the runner while it runs; null before.
  private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> children;

  void children(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> value) {
    children = value;
  }

  /** The result tuples of the tasks it sent while it ran (a JSON array), or null. */
  com.fasterxml.jackson.databind.JsonNode children() {
    java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> source = children;
    return source == null ? null : source.get();
  }

  String id() {
    return message.id();
  }

  void ack() {
    settle(delivery::ack);
  }

  /** Returns the message to the broker so another worker (or this one, later) runs it. */
  void requeue() {
    settle(() -> delivery.reject(true));
  }

  void deadLetter(String reason) {
    settle(() -> delivery.deadLetter(reason));
  }

  /** Settles the delivery once (later calls do nothing), retrying a broker outage. */
  private void settle(Runnable action) {
    if (settled.compareAndSet(false, true)) {
      TransientRetry.run(() -> "settling " + this, RETRY_BUDGET, action);
      onSettled.accept(this);
    }
  }

  boolean settled() {
    return settled.get();
  }

  @Override
  public String toString() {
    return message.toString();
  }
}
