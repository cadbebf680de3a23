package dev.apium.listen;

import dev.apium.protocol.TaskMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task message about to be published, as a {@link TaskListener} sees it: the message, where it
 * goes ({@code exchange}, {@code routingKey}; the queue name for the default exchange), and the
 * headers listeners add before it is encoded. Made by the publisher for one send; not thread-safe.
 */
public final class OutgoingTask {
  private final TaskMessage message;
  private final String exchange;
  private final String routingKey;
  private final Map<String, Object> added = new LinkedHashMap<>();

  public OutgoingTask(TaskMessage message, String exchange, String routingKey) {
    this.message = message;
    this.exchange = exchange;
    this.routingKey = routingKey;
  }

  public TaskMessage message() {
    return message;
  }

  public String id() {
    return message.id();
  }

  public String name() {
    return message.task();
  }

  public String exchange() {
    return exchange;
  }

  public String routingKey() {
    return routingKey;
  }

  /** The header {@code name}: one added by a listener, else the message's own, else null. */
  public Object header(String name) {
    Object value = added.get(name);
    return value != null ? value : message.extraHeaders().get(name);
  }

  /** Adds (or replaces) a top-level message header, next to {@code id}, {@code task}... */
  public OutgoingTask header(String name, Object value) {
    added.put(name, value);
    return this;
  }

  /** The headers added by listeners so far. */
  public Map<String, Object> addedHeaders() {
    return Collections.unmodifiableMap(added);
  }
}
