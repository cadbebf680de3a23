package dev.apium.jdbc;

/**
 * A wake-up flag a loop waits on: raised by any thread (a local write, a NOTIFY, a settled
 * delivery), consumed by the one thread that awaits it, so no raise between two waits is lost.
 */
final class Signal {
  private boolean raised;

  synchronized void raise() {
    raised = true;
    notifyAll();
  }

  /** Waits until raised or {@code millis} pass; clears the flag. True when it was raised. */
  synchronized boolean await(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (!raised) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    raised = false;
    return true;
  }
}
