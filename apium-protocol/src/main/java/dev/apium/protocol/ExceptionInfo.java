package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A task exception as Celery's JSON serializer writes it: {@code {"exc_type", "exc_message": [...],
 * "exc_module"}}. {@code exc_message} is the exception's {@code args} list, not a string.
 *
 * @param type the class name ({@code __qualname__} in Python), e.g. {@code ValueError}
 * @param args the exception's arguments, usually one message string
 * @param module the module, e.g. {@code builtins}; for Java exceptions the package
 */
public record ExceptionInfo(String type, List<Object> args, String module) {

  public ExceptionInfo {
    args = args == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(args));
  }

  public static ExceptionInfo of(String module, String type, String message) {
    List<Object> args = new ArrayList<>();
    args.add(message);
    return new ExceptionInfo(type, args, module);
  }

  /** The first argument as text, which is the message for nearly every exception. */
  public String message() {
    if (args.isEmpty()) {
      return "";
    }
    Object first = args.get(0);
    return args.size() == 1 ? String.valueOf(first) : args.toString();
  }

  /** True when the JSON looks like an exception dict (it has {@code exc_type}). */
  public static boolean isExceptionDict(JsonNode node) {
    return node != null && node.isObject() && node.has("exc_type");
  }

  public static ExceptionInfo fromJson(JsonNode node) {
    if (!isExceptionDict(node)) {
      throw new MalformedMessageException("not an exception dict: " + node);
    }
    List<Object> args = new ArrayList<>();
    JsonNode message = node.get("exc_message");
    if (message != null && message.isArray()) {
      for (JsonNode arg : message) {
        args.add(CeleryJson.MAPPER.convertValue(arg, Object.class));
      }
    } else if (message != null && !message.isNull()) {
      args.add(CeleryJson.MAPPER.convertValue(message, Object.class));
    }
    String module = node.hasNonNull("exc_module") ? node.get("exc_module").asText() : "builtins";
    return new ExceptionInfo(node.get("exc_type").asText(), args, module);
  }

  public ObjectNode toJson() {
    ObjectNode node = CeleryJson.object();
    node.put("exc_type", type);
    ArrayNode message = node.putArray("exc_message");
    for (Object arg : args) {
      message.add(CeleryJson.toTree(arg));
    }
    node.put("exc_module", module);
    return node;
  }

  /**
   * Python's {@code repr()} of the exception, e.g. {@code ValueError('boom')}, as events carry it.
   */
  public String repr() {
    StringBuilder out = new StringBuilder(type).append('(');
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(PythonRepr.of(CeleryJson.toTree(args.get(i))));
    }
    return out.append(')').toString();
  }
}
