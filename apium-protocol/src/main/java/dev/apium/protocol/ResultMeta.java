package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A task's stored result as Celery's result backends write it ({@code celery-task-meta-<id>}):
 * {@code status, result, traceback, children, date_done, [group_id], [parent_id], [extended
 * fields], task_id}. Immutable value object.
 *
 * @param status a {@link TaskState} or a custom state such as {@code PROGRESS}
 * @param result the return value, an exception dict, or state meta
 * @param traceback traceback text for FAILURE/RETRY, else null
 * @param children result tuples of tasks sent while the task ran (a JSON array)
 * @param dateDone naive UTC ISO text when ready, else null
 * @param taskId the task id
 * @param groupId the group the task belonged to, or null
 * @param parentId the parent task id, or null
 * @param extended {@code result_extended} fields ({@code name, args, kwargs, worker, retries,
 *     queue}) or null
 */
public record ResultMeta(
    String status,
    JsonNode result,
    String traceback,
    JsonNode children,
    String dateDone,
    String taskId,
    String groupId,
    String parentId,
    ObjectNode extended) {

  public ResultMeta {
    result = result == null ? NullNode.instance : result;
    children = children == null ? CeleryJson.array() : children;
  }

  public static ResultMeta success(String taskId, JsonNode result, Instant done) {
    return new ResultMeta(
        TaskState.SUCCESS, result, null, null, CeleryJson.naiveUtc(done), taskId, null, null, null);
  }

  public static ResultMeta failure(
      String taskId, ExceptionInfo error, String traceback, Instant done) {
    return new ResultMeta(
        TaskState.FAILURE,
        error.toJson(),
        traceback,
        null,
        CeleryJson.naiveUtc(done),
        taskId,
        null,
        null,
        null);
  }

  /**
   * This meta with {@code date_done} in Celery 5.3+'s timezone-aware form in {@code zone} (see
   * {@link CeleryJson#dateDone}); unchanged when it has no {@code date_done}.
   */
  public ResultMeta dateDoneIn(Instant done, java.time.ZoneId zone) {
    if (dateDone == null) {
      return this;
    }
    return new ResultMeta(
        status,
        result,
        traceback,
        children,
        CeleryJson.dateDone(done, zone),
        taskId,
        groupId,
        parentId,
        extended);
  }

  /** A non-ready state (STARTED, RETRY, PROGRESS...) with its meta; no {@code date_done}. */
  public static ResultMeta state(String taskId, String status, JsonNode meta) {
    return new ResultMeta(status, meta, null, null, null, taskId, null, null, null);
  }

  public boolean ready() {
    return TaskState.isReady(status);
  }

  public ResultMeta withGroupAndParent(String group, String parent) {
    return new ResultMeta(
        status, result, traceback, children, dateDone, taskId, group, parent, extended);
  }

  public ResultMeta withChildren(JsonNode newChildren) {
    return new ResultMeta(
        status, result, traceback, newChildren, dateDone, taskId, groupId, parentId, extended);
  }

  public ResultMeta withTraceback(String text) {
    return new ResultMeta(
        status, result, text, children, dateDone, taskId, groupId, parentId, extended);
  }

  public ResultMeta withExtended(ObjectNode fields) {
    return new ResultMeta(
        status, result, traceback, children, dateDone, taskId, groupId, parentId, fields);
  }

  /** The exception when the state carries one (FAILURE, REVOKED, RETRY with exc). */
  public ExceptionInfo exception() {
    return ExceptionInfo.isExceptionDict(result) ? ExceptionInfo.fromJson(result) : null;
  }

  /** Celery's field order; {@code task_id} last. */
  public ObjectNode toJson() {
    ObjectNode node = CeleryJson.object();
    node.put("status", status);
    node.set("result", result);
    node.put("traceback", traceback);
    node.set("children", children);
    node.put("date_done", dateDone);
    if (groupId != null) {
      node.put("group_id", groupId);
    }
    if (parentId != null) {
      node.put("parent_id", parentId);
    }
    if (extended != null) {
      node.setAll(extended);
    }
    node.put("task_id", taskId);
    return node;
  }

  public byte[] toBytes() {
    return CeleryJson.writeBytes(toJson());
  }

  private static final java.util.Set<String> CORE =
      java.util.Set.of(
          "status",
          "result",
          "traceback",
          "children",
          "date_done",
          "group_id",
          "parent_id",
          "task_id");

  public static ResultMeta fromJson(JsonNode node) {
    if (node == null || !node.isObject() || !node.has("status")) {
      throw new MalformedMessageException("not a result meta (no 'status'): " + node);
    }
    ObjectNode extended = null;
    var fields = node.properties().iterator();
    while (fields.hasNext()) {
      var field = fields.next();
      if (!CORE.contains(field.getKey())) {
        if (extended == null) {
          extended = CeleryJson.object();
        }
        extended.set(field.getKey(), field.getValue());
      }
    }
    return new ResultMeta(
        node.get("status").asText(),
        node.get("result"),
        text(node, "traceback"),
        node.get("children"),
        text(node, "date_done"),
        text(node, "task_id"),
        text(node, "group_id"),
        text(node, "parent_id"),
        extended);
  }

  public static ResultMeta fromBytes(byte[] json) {
    return fromJson(CeleryJson.parse(json));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
