package dev.apium.spi;

import java.util.concurrent.ThreadFactory;

/**
 * Daemon threads with a fixed name, for the housekeeping executors (ETA timer, time-limit watchdog,
 * rate limits, mailbox, consumers): they never keep the JVM alive, and a thread dump names them.
 * Shared by core and the transports (their consumer and housekeeping threads). Stateless.
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
}
