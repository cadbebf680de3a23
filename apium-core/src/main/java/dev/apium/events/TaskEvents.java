package dev.apium.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.DecimalText;
import dev.apium.protocol.PythonRepr;
import dev.apium.protocol.TaskMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of Celery's task events, in Celery 5.2.6's order (see celery-protocol.md §8): what a
 * worker sends for {@code task-received, -started, -succeeded, -failed, -retried, -revoked,
 * -rejected} and a client for {@code task-sent}. Values shown to people ({@code args}, {@code
 * result}, {@code exception}) are Python reprs, as Celery's. Stateless; any thread.
 */
public final class TaskEvents {
  private TaskEvents() {}

  /** {@code task-sent}: sent by a client when {@code task_send_sent_event} is on. */
  public static Map<String, Object> sent(
      TaskMessage m, String queue, String exchange, String routingKey) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("uuid", m.id());
    f.put("root_id", m.rootId());
    f.put("parent_id", m.parentId());
    f.put("name", m.task());
    f.put("args", argsRepr(m));
    f.put("kwargs", kwargsRepr(m));
    f.put("retries", m.retries());
    f.put("eta", m.eta() == null ? null : CeleryJson.isoformat(m.eta()));
    f.put("expires", m.expires() == null ? null : CeleryJson.isoformat(m.expires()));
    f.put("queue", queue);
    f.put("exchange", exchange);
    f.put("routing_key", routingKey);
    return f;
  }

  /**
   * {@code task-received}: the worker accepted the message. Its reprs are made when the event is
   * written (the dispatcher's writer thread), not when it is sent.
   */
  public static EventFields received(TaskMessage m) {
    return g -> {
      g.writeStringField("uuid", m.id());
      g.writeStringField("name", m.task());
      g.writeStringField("args", argsRepr(m));
      g.writeStringField("kwargs", kwargsRepr(m));
      g.writeStringField("root_id", m.rootId());
      g.writeStringField("parent_id", m.parentId());
      g.writeNumberField("retries", m.retries());
      g.writeStringField("eta", m.eta() == null ? null : CeleryJson.isoformat(m.eta()));
      g.writeStringField("expires", m.expires() == null ? null : CeleryJson.isoformat(m.expires()));
    };
  }

  /** {@code task-started}. */
  public static EventFields started(String id) {
    return g -> g.writeStringField("uuid", id);
  }

  /**
   * {@code task-succeeded}: {@code result} is the return value's repr (made when the event is
   * written), {@code runtime} the run's nanoseconds as seconds.
   */
  public static EventFields succeeded(String id, JsonNode result, long runtimeNanos) {
    return g -> {
      g.writeStringField("uuid", id);
      g.writeStringField("result", result == null ? "None" : PythonRepr.of(result));
      g.writeFieldName("runtime");
      DecimalText.write(g, runtimeNanos, 9);
    };
  }

  /** {@code task-failed}: {@code exception} is a repr such as {@code ValueError('boom')}. */
  public static Map<String, Object> failed(String id, String exceptionRepr, String traceback) {
    Map<String, Object> f = uuid(id);
    f.put("exception", exceptionRepr);
    f.put("traceback", traceback);
    return f;
  }

  /**
   * {@code task-failed} for a task the worker does not know: Celery's {@code on_unknown_task} sends
   * only {@code uuid} and {@code exception} ({@code NotRegistered('name')}), no traceback.
   */
  public static Map<String, Object> notRegistered(String id, String task) {
    Map<String, Object> f = uuid(id);
    f.put(
        "exception",
        "NotRegistered("
            + PythonRepr.of(com.fasterxml.jackson.databind.node.TextNode.valueOf(task))
            + ")");
    return f;
  }

  /** {@code task-retried}: the exception that caused the retry ({@code "None"} if none). */
  public static Map<String, Object> retried(String id, String exceptionRepr, String traceback) {
    Map<String, Object> f = uuid(id);
    f.put("exception", exceptionRepr == null ? "None" : exceptionRepr);
    f.put("traceback", traceback);
    return f;
  }

  /** {@code task-revoked}: {@code signum} is 15 (SIGTERM) when terminated, else null. */
  public static Map<String, Object> revoked(
      String id, boolean terminated, Integer signum, boolean expired) {
    Map<String, Object> f = uuid(id);
    f.put("terminated", terminated);
    f.put("signum", signum);
    f.put("expired", expired);
    return f;
  }

  /** {@code task-rejected}: the message was rejected, back to the queue when {@code requeue}. */
  public static Map<String, Object> rejected(String id, boolean requeue) {
    Map<String, Object> f = uuid(id);
    f.put("requeue", requeue);
    return f;
  }

  private static Map<String, Object> uuid(String id) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("uuid", id);
    return f;
  }

  static String argsRepr(TaskMessage m) {
    return m.argsRepr() != null ? m.argsRepr() : PythonRepr.ofArgs(m.args());
  }

  static String kwargsRepr(TaskMessage m) {
    return m.kwargsRepr() != null ? m.kwargsRepr() : PythonRepr.of(m.kwargs());
  }
}
