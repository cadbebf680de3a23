package dev.apium.examples;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bounded window of a streamed batch: at most {@code size} items sent and not yet finished. The
 * sending thread {@link #enter}s before each send (waiting, up to the batch's deadline, for a
 * slot); a result callback {@link #leave}s when the item finishes. Thread-safe.
 */
public final class Window {
  private final Semaphore slots;
  private final int size;
  private final long deadline;
  private final String what;

  /** A window of {@code size} for the batch {@code what} that must be done by {@code deadline}. */
  public Window(int size, long deadlineNanos, String what) {
    if (size < 1) {
      throw new IllegalArgumentException("the window must allow at least 1 item, got " + size);
    }
    this.slots = new Semaphore(size);
    this.size = size;
    this.deadline = deadlineNanos;
    this.what = what;
  }

  /** Takes a slot, waiting for one to free up until the deadline. */
  public void enter() {
    try {
      if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            what + " not finished in time: are workers running and consuming the 'celery' queue?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + what, e);
    }
  }

  /** Gives a slot back. */
  public void leave() {
    slots.release();
  }

  /**
   * Waits, at most {@code timeoutNanos}, until every item sent has left (its callback ran): the
   * batch's answer may arrive before the last items' own callbacks. Returns false on timeout.
   */
  public boolean awaitEmpty(long timeoutNanos) {
    try {
      if (slots.tryAcquire(size, timeoutNanos, TimeUnit.NANOSECONDS)) {
        slots.release(size);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
