package dev.apium.protocol;

import java.util.Set;

/**
 * Celery's task states and the sets it groups them in. A state is a string on the wire because
 * tasks may store custom states (for example {@code PROGRESS}); these constants name Celery's own.
 */
public final class TaskState {
  public static final String PENDING = "PENDING";
  public static final String RECEIVED = "RECEIVED";
  public static final String STARTED = "STARTED";
  public static final String SUCCESS = "SUCCESS";
  public static final String FAILURE = "FAILURE";
  public static final String RETRY = "RETRY";
  public static final String REVOKED = "REVOKED";
  public static final String REJECTED = "REJECTED";
  public static final String IGNORED = "IGNORED";

  private static final Set<String> READY = Set.of(SUCCESS, FAILURE, REVOKED);
  private static final Set<String> EXCEPTION = Set.of(RETRY, FAILURE, REVOKED);
  private static final Set<String> PROPAGATE = Set.of(FAILURE, REVOKED);

  private TaskState() {}

  /** SUCCESS, FAILURE or REVOKED: the task will not change state again. */
  public static boolean isReady(String state) {
    return READY.contains(state);
  }

  /** RETRY, FAILURE or REVOKED: the stored result is an exception dict. */
  public static boolean isException(String state) {
    return EXCEPTION.contains(state);
  }

  /** FAILURE or REVOKED: {@code get()} raises. */
  public static boolean propagates(String state) {
    return PROPAGATE.contains(state);
  }
}
