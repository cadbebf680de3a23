package dev.apium.worker;

import dev.apium.RegisteredTask;
import dev.apium.SoftTimeLimitExceeded;
import dev.apium.TaskOptions;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks running on a worker, by id, and the watchdog that enforces their time limits. Soft
 * limit: the task's thread is interrupted ({@link SoftTimeLimitExceeded}). Hard limit: the task is
 * settled at once as FAILURE {@code TimeLimitExceeded} and acked (Celery's {@code
 * acks_on_failure_or_timeout}), its thread is interrupted and abandoned, and the pool starts a
 * replacement so concurrency never shrinks; whatever the abandoned thread returns later is
 * discarded. {@link #terminate} does the same for {@code revoke(terminate=True)}, ending REVOKED
 * {@code terminated}. Owns one watchdog thread; called from pool threads (begin/end), the watchdog
 * and the control mailbox; the outcomes it takes over are written by the {@link Settlement}. {@link
 * #close()} stops the watchdog.
 */
final class Executions {
  private static final Logger log = LoggerFactory.getLogger(Executions.class);

  private final Settlement settlement;
  private final TaskPool pool;
  private final Map<String, Execution> running = new ConcurrentHashMap<>();
  private volatile Function<RegisteredTask, TaskOptions> options = RegisteredTask::options;
  private final ScheduledExecutorService watchdog;

  /** Where a task's time limits come from (the {@code time_limit} command changes them). */
  void limits(Function<RegisteredTask, TaskOptions> value) {
    options = value;
  }

  Executions(Settlement settlement, TaskPool pool) {
    this.settlement = settlement;
    this.pool = pool;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-timelimits"));
  }

  /** Registers the task running on this thread and arms its limits (call header, then task). */
  Execution begin(Request r) {
    TaskOptions options = this.options.apply(r.task);
    Duration hard = limit(r.message.hardTimeLimit(), options.timeLimit());
    Duration soft = limit(r.message.softTimeLimit(), options.softTimeLimit());
    Execution e = new Execution(r, Thread.currentThread(), soft, hard);
    running.put(r.id(), e);
    Future<?> softTimer = null;
    Future<?> hardTimer = null;
    if (soft != null) {
      softTimer = watchdog.schedule(() -> softLimit(e), soft.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (hard != null) {
      hardTimer = watchdog.schedule(() -> hardLimit(e), hard.toNanos(), TimeUnit.NANOSECONDS);
    }
    e.timers(softTimer, hardTimer);
    return e;
  }

  private static Duration limit(Double header, Duration own) {
    if (header != null && header > 0) {
      return Duration.ofMillis(Math.round(header * 1000));
    }
    return own;
  }

  /** The runner is done with the task: disarms its limits whatever happened. */
  void end(Execution e) {
    e.finish();
    running.remove(e.request.id(), e);
  }

  int size() {
    return running.size();
  }

  /** The tasks running now (a live view, for {@code inspect active}). */
  java.util.Collection<Execution> running() {
    return java.util.Collections.unmodifiableCollection(running.values());
  }

  boolean isRunning(String id) {
    return running.containsKey(id);
  }

  List<String> ids() {
    return List.copyOf(running.keySet());
  }

  /** The message headers of each running task, by id (a stamped revoke's terminate). */
  Map<String, Map<String, Object>> headers() {
    Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
    running.forEach((id, e) -> out.put(id, e.request.delivery.message().headers()));
    return out;
  }

  private void softLimit(Execution e) {
    log.warn(
        "Soft time limit ({}s) exceeded for {}: interrupting it",
        e.soft.toMillis() / 1000.0,
        e.request);
    e.softExpire();
  }

  private void hardLimit(Execution e) {
    if (!e.takeOver("hard time limit")) {
      return;
    }
    pool.abandon(e.thread);
    double seconds = e.hard.toMillis() / 1000.0;
    log.error(
        "Hard time limit ({}s) exceeded for {}: FAILURE stored, its thread {} abandoned and replaced",
        seconds,
        e.request,
        e.thread.getName());
    ExceptionInfo info =
        new ExceptionInfo("TimeLimitExceeded", List.of(seconds), "celery.exceptions");
    try {
      settlement.timedOut(
          e.request,
          info,
          "celery.exceptions.TimeLimitExceeded: TimeLimitExceeded(" + seconds + ")");
    } finally {
      running.remove(e.request.id(), e);
      settlement.observer().ended(e.request);
    }
  }

  /**
   * Stops a running task for {@code revoke(terminate=True)}: stores REVOKED {@code terminated},
   * acks, interrupts and abandons its thread. False when the task does not run here.
   */
  boolean terminate(String id) {
    Execution e = running.get(id);
    if (e == null || !e.takeOver("terminated")) {
      return false;
    }
    pool.abandon(e.thread);
    log.info(
        "Terminating {}: its thread {} is interrupted and replaced", e.request, e.thread.getName());
    try {
      settlement.terminated(e.request);
    } finally {
      running.remove(id, e);
      settlement.observer().ended(e.request);
    }
    return true;
  }

  void close() {
    watchdog.shutdownNow();
  }
}
