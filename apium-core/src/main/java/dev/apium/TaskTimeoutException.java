package dev.apium;

/** {@link AsyncResult#get} gave up waiting; the task may still finish later. */
public class TaskTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TaskTimeoutException(String message) {
    super(message);
  }
}
