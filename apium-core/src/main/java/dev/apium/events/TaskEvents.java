package dev.apium.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.JsonBytes;
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

  private static final JsonBytes.Name UUID = JsonBytes.Name.of("uuid");
  private static final JsonBytes.Name NAME = JsonBytes.Name.of("name");
  private static final JsonBytes.Name ARGS = JsonBytes.Name.of("args");
  private static final JsonBytes.Name KWARGS = JsonBytes.Name.of("kwargs");
  private static final JsonBytes.Name ROOT_ID = JsonBytes.Name.of("root_id");
  private static final JsonBytes.Name PARENT_ID = JsonBytes.Name.of("parent_id");
  private static final JsonBytes.Name RETRIES = JsonBytes.Name.of("retries");
  private static final JsonBytes.Name ETA = JsonBytes.Name.of("eta");
  private static final JsonBytes.Name EXPIRES = JsonBytes.Name.of("expires");
  private static final JsonBytes.Name RESULT = JsonBytes.Name.of("result");
  private static final JsonBytes.Name RUNTIME = JsonBytes.Name.of("runtime");

  /**
   * {@code task-received}: the worker accepted the message. Its reprs are made when the event is
   * written (the dispatcher's writer thread), not when it is sent.
   */
  public static EventFields received(TaskMessage m) {
    return out -> {
      out.field(UUID, m.id());
      out.field(NAME, m.task());
      out.field(ARGS, argsRepr(m));
      out.field(KWARGS, kwargsRepr(m));
      out.field(ROOT_ID, m.rootId());
      out.field(PARENT_ID, m.parentId());
      out.field(RETRIES, m.retries());
      out.field(ETA, m.eta() == null ? null : CeleryJson.isoformat(m.eta()));
      out.field(EXPIRES, m.expires() == null ? null : CeleryJson.isoformat(m.expires()));
    };
  }

  /** {@code task-started}. */
  public static EventFields started(String id) {
    return out -> out.field(UUID, id);
  }

  /**
   * {@code task-succeeded}: {@code result} is the return value's repr (made when the event is
   * written), {@code runtime} the run's nanoseconds as seconds.
   */
  public static EventFields succeeded(String id, JsonNode result, long runtimeNanos) {
    return out -> {
      out.field(UUID, id);
      out.field(RESULT, result == null ? "None" : PythonRepr.of(result));
      out.decimalField(RUNTIME, runtimeNanos, 9);
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
