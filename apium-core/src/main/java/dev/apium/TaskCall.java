package dev.apium;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;

/**
 * The arguments of one task invocation, converted on demand to Java types with Jackson (records and
 * POJOs included), plus its {@link TaskContext}. Used on the worker thread that runs the task.
 */
public final class TaskCall {
  private final ArrayNode args;
  private final ObjectNode kwargs;
  private final TaskContext context;

  TaskCall(ArrayNode args, ObjectNode kwargs, TaskContext context) {
    this.args = args;
    this.kwargs = kwargs;
    this.context = context;
  }

  /** Positional argument {@code index} as {@code type}. */
  public <T> T arg(int index, Class<T> type) {
    return ArgumentBinder.convert(required(index), type, "argument " + index);
  }

  public <T> T arg(int index, TypeReference<T> type) {
    return CeleryJson.MAPPER.convertValue(required(index), type);
  }

  /** Keyword argument {@code name} as {@code type}, or null when absent. */
  public <T> T kwarg(String name, Class<T> type) {
    JsonNode value = kwargs.get(name);
    return value == null
        ? null
        : ArgumentBinder.convert(value, type, "keyword argument '" + name + "'");
  }

  /** Keyword argument, or else positional argument {@code index}, as {@code type}. */
  public <T> T param(String name, int index, Class<T> type) {
    if (kwargs.has(name)) {
      return kwarg(name, type);
    }
    return arg(index, type);
  }

  public int size() {
    return args.size();
  }

  public ArrayNode args() {
    return args;
  }

  public ObjectNode kwargs() {
    return kwargs;
  }

  public TaskContext context() {
    return context;
  }

  private JsonNode required(int index) {
    if (index >= args.size()) {
      throw new IllegalArgumentException(
          "task "
              + context.name()
              + " needs argument "
              + index
              + " but got "
              + args.size()
              + " positional argument(s): "
              + args);
    }
    return args.get(index);
  }
}
