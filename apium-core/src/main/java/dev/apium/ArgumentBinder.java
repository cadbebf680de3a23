package dev.apium;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Binds a task message's JSON {@code args}/{@code kwargs} to a Java method's parameters: by
 * position first, then by parameter name, converting each with Jackson to the declared (generic)
 * type. A {@link TaskContext} parameter gets the running context. Built once per task method at
 * registration; {@link #bind} is called on worker threads and is thread-safe.
 */
final class ArgumentBinder {
  private final String taskName;
  private final Parameter[] parameters;
  private final JavaType[] types;
  private final boolean namesMissing;

  ArgumentBinder(String taskName, Method method) {
    this.taskName = taskName;
    this.parameters = method.getParameters();
    this.types = new JavaType[parameters.length];
    boolean missing = false;
    for (int i = 0; i < parameters.length; i++) {
      types[i] =
          CeleryJson.MAPPER.getTypeFactory().constructType(parameters[i].getParameterizedType());
      // Positional binding still works without names; kwargs need javac -parameters.
      missing |= !parameters[i].isNamePresent() && parameters[i].getType() != TaskContext.class;
    }
    this.namesMissing = missing;
  }

  /** True when the method was compiled without {@code -parameters}: its names are arg0, arg1... */
  boolean namesMissing() {
    return namesMissing;
  }

  /** What to add to a binding error when kwargs were sent to a method without parameter names. */
  private String hint(ObjectNode kwargs) {
    if (!namesMissing || kwargs.isEmpty()) {
      return "";
    }
    return " (its class was compiled without -parameters, so its parameters are named arg0, arg1..."
        + " and keyword arguments cannot bind: compile with javac -parameters, e.g."
        + " maven-compiler-plugin <parameters>true</parameters>, or send positional args)";
  }

  Object[] bind(ArrayNode args, ObjectNode kwargs, TaskContext context) {
    Object[] values = new Object[parameters.length];
    int position = 0;
    Set<String> used = new HashSet<>();
    for (int i = 0; i < parameters.length; i++) {
      Parameter parameter = parameters[i];
      if (parameter.getType() == TaskContext.class) {
        values[i] = context;
        continue;
      }
      String name = parameter.getName();
      JsonNode value;
      if (position < args.size()) {
        value = args.get(position++);
        if (kwargs.has(name)) {
          throw new IllegalArgumentException(
              "task " + taskName + " got multiple values for argument '" + name + "'");
        }
      } else if (kwargs.has(name)) {
        value = kwargs.get(name);
        used.add(name);
      } else {
        throw new IllegalArgumentException(
            "task "
                + taskName
                + " is missing required argument '"
                + name
                + "' (position "
                + i
                + ")"
                + hint(kwargs));
      }
      values[i] = convert(value, types[i], "argument '" + name + "'");
    }
    if (position < args.size()) {
      throw new IllegalArgumentException(
          "task "
              + taskName
              + " takes "
              + position
              + " positional argument(s) but "
              + args.size()
              + " were given");
    }
    Iterator<String> names = kwargs.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!used.contains(name)) {
        throw new IllegalArgumentException(
            "task "
                + taskName
                + " got an unexpected keyword argument '"
                + name
                + "'"
                + hint(kwargs));
      }
    }
    return values;
  }

  static <T> T convert(JsonNode value, Class<T> type, String what) {
    return convert(value, CeleryJson.MAPPER.getTypeFactory().constructType(type), what);
  }

  static <T> T convert(JsonNode value, JavaType type, String what) {
    if ((value == null || value.isNull()) && type.isPrimitive()) {
      throw new IllegalArgumentException(what + " is null but must be a " + type.getRawClass());
    }
    try {
      return CeleryJson.MAPPER.convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what
              + " "
              + abbreviate(value)
              + " cannot be read as "
              + type.getRawClass().getSimpleName()
              + ": "
              + firstLine(e.getMessage()),
          e);
    }
  }

  private static String abbreviate(JsonNode value) {
    String text = String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
