package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Celery signature as data: the dict that travels in {@code embed.callbacks}, {@code chain},
 * {@code chord} and canvas options ({@code {"task", "args", "kwargs", "options", "subtask_type",
 * "immutable"}}). Value object: the {@code with...} methods return copies, and the JSON trees it
 * holds are never mutated after construction.
 *
 * @param task registered task name, e.g. {@code spec.add}
 * @param args positional arguments
 * @param kwargs keyword arguments (for nested canvases: {@code tasks}, or {@code header}/{@code
 *     body})
 * @param options execution options: {@code task_id}, {@code queue}, {@code link}, ...
 * @param subtaskType null for a task, or {@code chain}, {@code group}, {@code chord}, ...
 * @param immutable when true the parent's result is not prepended to the args
 */
public record Signature(
    String task,
    ArrayNode args,
    ObjectNode kwargs,
    ObjectNode options,
    String subtaskType,
    boolean immutable) {

  public Signature {
    args = args == null ? CeleryJson.array() : args;
    kwargs = kwargs == null ? CeleryJson.object() : kwargs;
    options = options == null ? CeleryJson.object() : options;
  }

  public static Signature of(String task, Object... args) {
    ArrayNode list = CeleryJson.array();
    for (Object arg : args) {
      list.add(CeleryJson.toTree(arg));
    }
    return new Signature(task, list, null, null, null, false);
  }

  public static Signature fromJson(JsonNode node) {
    if (node == null || !node.isObject() || !node.hasNonNull("task")) {
      throw new MalformedMessageException("not a signature dict (no 'task'): " + node);
    }
    JsonNode args = node.get("args");
    JsonNode kwargs = node.get("kwargs");
    JsonNode options = node.get("options");
    JsonNode type = node.get("subtask_type");
    return new Signature(
        node.get("task").asText(),
        args instanceof ArrayNode a ? a : null,
        kwargs instanceof ObjectNode k ? k : null,
        options instanceof ObjectNode o ? o : null,
        type == null || type.isNull() ? null : type.asText(),
        node.path("immutable").asBoolean(false));
  }

  public ObjectNode toJson() {
    ObjectNode node = CeleryJson.object();
    node.put("task", task);
    node.set("args", args);
    node.set("kwargs", kwargs);
    node.set("options", options);
    node.put("subtask_type", subtaskType);
    node.put("immutable", immutable);
    return node;
  }

  /** The option as text, or null when absent or JSON null. */
  public String option(String name) {
    JsonNode value = options.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  public String taskId() {
    return option("task_id");
  }

  public Signature withOption(String name, Object value) {
    ObjectNode copy = options.deepCopy();
    copy.set(name, CeleryJson.toTree(value));
    return new Signature(task, args, kwargs, copy, subtaskType, immutable);
  }

  public Signature withArgs(ArrayNode newArgs) {
    return new Signature(task, newArgs, kwargs, options, subtaskType, immutable);
  }

  /** The args with {@code value} prepended, unless immutable (Celery's partial application). */
  public Signature withParentResult(JsonNode value) {
    if (immutable) {
      return this;
    }
    ArrayNode merged = CeleryJson.array();
    merged.add(value);
    merged.addAll(args);
    return withArgs(merged);
  }
}
