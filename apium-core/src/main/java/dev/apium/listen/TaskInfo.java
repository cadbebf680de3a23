package dev.apium.listen;

import dev.apium.protocol.TaskMessage;
import java.util.Map;

/**
 * A received task as a {@link TaskListener} sees it: the decoded message, the queue it came from,
 * the worker's node name and when the worker received it ({@code receivedMillis}, epoch millis of
 * the worker's wall clock). Immutable; made by the worker engine for each listener call.
 */
public record TaskInfo(TaskMessage message, String queue, String hostname, long receivedMillis) {
  /** A task received now. */
  public TaskInfo(TaskMessage message, String queue, String hostname) {
    this(message, queue, hostname, System.currentTimeMillis());
  }

  public String id() {
    return message.id();
  }

  public String name() {
    return message.task();
  }

  /** Headers beyond Celery's standard set, e.g. {@code traceparent} or custom ones. */
  public Map<String, Object> headers() {
    return message.extraHeaders();
  }

  /** The args repr the client sent ({@code argsrepr}, which may hide secrets), else computed. */
  public String argsRepr() {
    return message.argsRepr();
  }

  public String kwargsRepr() {
    return message.kwargsRepr();
  }

  public int retries() {
    return message.retries();
  }
}
