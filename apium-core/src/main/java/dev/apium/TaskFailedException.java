package dev.apium;

import dev.apium.protocol.ExceptionInfo;

/**
 * A task failed (or was revoked) wherever it ran, Java or Python: keeps the remote exception's
 * type, module and message, and the traceback text the worker stored. Thrown by {@link
 * AsyncResult#get}.
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String taskId;
  private final String state;
  private final transient ExceptionInfo info;
  private final String remoteTraceback;

  public TaskFailedException(String taskId, String state, ExceptionInfo info, String traceback) {
    super(info.type() + ": " + info.message());
    this.taskId = taskId;
    this.state = state;
    this.info = info;
    this.remoteTraceback = traceback;
  }

  public String taskId() {
    return taskId;
  }

  /** FAILURE or REVOKED. */
  public String state() {
    return state;
  }

  /**
   * The remote exception's class name, e.g. {@code ValueError} or {@code IllegalStateException}.
   */
  public String type() {
    return info.type();
  }

  /** The remote exception's module ({@code builtins}) or Java package. */
  public String module() {
    return info.module();
  }

  /**
   * Whether the remote exception is {@code module.type}, e.g. {@code isType("celery.exceptions",
   * "ImproperlyConfigured")}: Python's {@code except} by name.
   */
  public boolean isType(String module, String type) {
    return java.util.Objects.equals(module(), module) && java.util.Objects.equals(type(), type);
  }

  public String remoteMessage() {
    return info.message();
  }

  public ExceptionInfo info() {
    return info;
  }

  public String remoteTraceback() {
    return remoteTraceback;
  }
}
