package dev.apium;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An exception a Java task throws to fail with a chosen Python-visible type, e.g. {@code throw new
 * TaskError("ValueError", "bad input")}: Python clients then re-raise a real {@code ValueError}.
 * {@link #of} gives any number of arguments (Python's {@code exc.args}), so {@code
 * TaskError.of("tasks", "ExpectedException", "msg", "detail")} comes back to Python equal to {@code
 * ExpectedException("msg", "detail")}. Any other exception travels under its Java class and package
 * name. Immutable.
 */
public class TaskError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String type;
  private final String module;
  private final transient List<Object> args;

  /** A failure of Python type {@code builtins.<type>}. */
  public TaskError(String type, String message) {
    this("builtins", type, message);
  }

  public TaskError(String module, String type, String message) {
    super(message);
    this.type = type;
    this.module = module;
    List<Object> one = new ArrayList<>();
    one.add(message);
    this.args = Collections.unmodifiableList(one);
  }

  /**
   * A failure of Python type {@code module.type} whose {@code args} are {@code args} (any number,
   * also none), each written as JSON in {@code exc_message}.
   */
  public TaskError(String module, String type, List<?> args) {
    super(text(args));
    if (module == null || module.isBlank() || type == null || type.isBlank()) {
      throw new IllegalArgumentException(
          "TaskError needs a Python module and type, e.g. TaskError.of(\"builtins\", \"ValueError\","
              + " \"bad input\"); got module="
              + module
              + ", type="
              + type);
    }
    this.type = type;
    this.module = module;
    this.args = Collections.unmodifiableList(new ArrayList<>(args == null ? List.of() : args));
  }

  /** {@code TaskError.of("builtins", "KeyError", "a", 1)}: Python's {@code KeyError('a', 1)}. */
  public static TaskError of(String module, String type, Object... args) {
    return new TaskError(module, type, args == null ? List.of() : java.util.Arrays.asList(args));
  }

  public String type() {
    return type;
  }

  public String module() {
    return module;
  }

  /** The exception's arguments (Python's {@code args}): by default the one message. */
  public List<Object> args() {
    return args;
  }

  /** Python's {@code str(exc)}: the only argument, or the tuple of them. */
  private static String text(List<?> args) {
    if (args == null || args.isEmpty()) {
      return "";
    }
    if (args.size() == 1) {
      return String.valueOf(args.get(0));
    }
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < args.size(); i++) {
      out.append(i > 0 ? ", " : "").append(args.get(i));
    }
    return out.append(')').toString();
  }
}
