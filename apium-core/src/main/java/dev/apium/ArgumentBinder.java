package dev.apium;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Binds a task message's JSON {@code args}/{@code kwargs} to a Java method's parameters: by
 * position first, then by parameter name, converting each with Jackson to the declared (generic)
 * type. A {@link TaskContext} parameter gets the running context. Built once per task method at
 * registration; {@link #bind} is called on worker threads and is thread-safe.
 */
final class ArgumentBinder {
  // The name CPython's TypeError messages give the function: the Java method's.
  private final String function;
  private final Parameter[] parameters;
  private final JavaType[] types;
  private final boolean namesMissing;

  ArgumentBinder(String taskName, Method method) {
    this.function = method.getName();
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

  /**
   * The values for the method's parameters. A call of the wrong shape fails as CPython's {@code
   * TypeError} with its wording (e.g. {@code add() takes 2 positional arguments but 3 were given}),
   * so Python callers catch it by type.
   */
  Object[] bind(ArrayNode args, ObjectNode kwargs, TaskContext context) {
    Object[] values = new Object[parameters.length];
    int position = 0;
    int declared = 0;
    Set<String> used = new HashSet<>();
    List<String> missing = new ArrayList<>();
    JsonNode[] found = new JsonNode[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      Parameter parameter = parameters[i];
      if (parameter.getType() == TaskContext.class) {
        continue;
      }
      declared++;
      String name = parameter.getName();
      if (position < args.size()) {
        found[i] = args.get(position++);
        if (kwargs.has(name)) {
          throw typeError(function + "() got multiple values for argument '" + name + "'");
        }
      } else if (kwargs.has(name)) {
        found[i] = kwargs.get(name);
        used.add(name);
      } else {
        missing.add(name);
      }
    }
    if (position < args.size()) {
      throw typeError(
          function
              + "() takes "
              + declared
              + " positional argument"
              + (declared == 1 ? "" : "s")
              + " but "
              + args.size()
              + (args.size() == 1 ? " was" : " were")
              + " given");
    }
    Iterator<String> names = kwargs.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!used.contains(name)) {
        throw typeError(
            function + "() got an unexpected keyword argument '" + name + "'" + hint(kwargs));
      }
    }
    if (!missing.isEmpty()) {
      throw typeError(
          function
              + "() missing "
              + missing.size()
              + " required positional argument"
              + (missing.size() == 1 ? "" : "s")
              + ": "
              + pythonList(missing)
              + hint(kwargs));
    }
    for (int i = 0; i < parameters.length; i++) {
      values[i] =
          parameters[i].getType() == TaskContext.class
              ? context
              : convert(found[i], types[i], "argument '" + parameters[i].getName() + "'");
    }
    return values;
  }

  /** CPython's list of names: {@code 'x'}, {@code 'x' and 'y'}, {@code 'x', 'y', and 'z'}. */
  private static String pythonList(List<String> names) {
    List<String> quoted = names.stream().map(n -> "'" + n + "'").toList();
    if (quoted.size() == 1) {
      return quoted.get(0);
    }
    if (quoted.size() == 2) {
      return quoted.get(0) + " and " + quoted.get(1);
    }
    return String.join(", ", quoted.subList(0, quoted.size() - 1))
        + ", and "
        + quoted.get(quoted.size() - 1);
  }

  private TaskError typeError(String message) {
    return new TaskError("builtins", "TypeError", message);
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
