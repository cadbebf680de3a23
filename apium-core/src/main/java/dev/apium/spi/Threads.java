package dev.apium.spi;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * Daemon threads with a fixed name, for the housekeeping executors (ETA timer, time-limit watchdog,
 * rate limits, mailbox, consumers): they never keep the JVM alive, and a thread dump names them;
 * bounded waits for a call that may block on a hung broker ({@link #finishesWithin}); and a dump of
 * every thread for a run that got stuck ({@link #printAll}). Shared by core and the transports
 * (their consumer and housekeeping threads). Stateless.
 */
public final class Threads {
  private Threads() {}

  /** A factory whose every thread is a daemon called {@code name}. */
  public static ThreadFactory daemon(String name) {
    return r -> daemon(name, r);
  }

  /** A new, unstarted daemon thread called {@code name} that runs {@code body}. */
  public static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Runs {@code body} on a daemon thread called {@code name} and waits for it at most {@code
   * bound}: true when it ended in time, false when it still runs (it goes on, on its own thread) or
   * the caller was interrupted (the interrupt is kept). For a stop's call that a hung broker would
   * hold for its own, much longer timeout.
   */
  public static boolean finishesWithin(String name, Duration bound, Runnable body) {
    Thread thread = daemon(name, body);
    thread.start();
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !thread.isAlive();
  }

  /** Every live thread's name, state and stack, to {@code out}: where a stuck run waits. */
  public static void printAll(PrintStream out) {
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              out.println("\"" + thread.getName() + "\" " + thread.getState());
              for (StackTraceElement frame : stack) {
                out.println("    at " + frame);
              }
            });
  }
}
