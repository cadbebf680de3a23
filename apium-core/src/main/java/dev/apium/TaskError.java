package dev.apium;

/**
 * An exception a Java task throws to fail with a chosen Python-visible type, e.g. {@code throw new
 * TaskError("ValueError", "bad input")}: Python clients then re-raise a real {@code ValueError}.
 * Any other exception travels under its Java class and package name.
 */
public class TaskError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String type;
  private final String module;

  /** A failure of Python type {@code builtins.<type>}. */
  public TaskError(String type, String message) {
    this("builtins", type, message);
  }

  public TaskError(String module, String type, String message) {
    super(message);
    this.type = type;
    this.module = module;
  }

  public String type() {
    return type;
  }

  public String module() {
    return module;
  }
}
