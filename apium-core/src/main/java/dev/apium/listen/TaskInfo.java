package dev.apium.listen;

import dev.apium.protocol.TaskMessage;
import java.util.Map;

/**
 * A received task as a {@link TaskListener} sees it: the decoded message, the queue it came from
 * and the worker's node name. Immutable; made by the worker engine for each listener call.
 */
public record TaskInfo(TaskMessage message, String queue, String hostname) {
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
