package dev.apium.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The messages a broker moved aside (unreadable, unknown task, a handler that failed): list them,
 * show one, put them back on their queue, or drop them. Obtained from {@link Broker#deadLetters()};
 * shares the broker's connections, thread-safe. {@code queues} narrows a call to the dead letters
 * of those queues (empty: all the broker can see; RabbitMQ sees only the {@code <queue>.dead}
 * queues it is named).
 */
public interface DeadLetters {

  /**
   * One dead letter: an {@code id} to show, replay or purge it by; the queue it came from; why it
   * was moved aside; when (null if unknown); the task id and name when readable; and the message as
   * it was (the transport's raw form, for showing).
   */
  record DeadLetter(
      String id,
      String queue,
      String reason,
      Instant deadAt,
      String taskId,
      String task,
      String raw) {}

  /** Up to {@code limit} dead letters, newest first. */
  List<DeadLetter> list(List<String> queues, int limit);

  /** The dead letter with this id (or task id), if there is one. */
  default Optional<DeadLetter> find(List<String> queues, String id) {
    return list(queues, Integer.MAX_VALUE).stream()
        .filter(d -> d.id().equals(id) || id.equals(d.taskId()))
        .findFirst();
  }

  /** Puts the dead letter back on its queue (redelivered); false when there is no such id. */
  boolean replay(List<String> queues, String id);

  /** Puts every dead letter back on its queue; returns how many. */
  int replayAll(List<String> queues);

  /** Drops every dead letter; returns how many. */
  long purge(List<String> queues);
}
