package dev.apium.worker;

import dev.apium.Apium;
import dev.apium.RateLimitScope;
import dev.apium.RegisteredTask;
import dev.apium.protocol.Rates;
import dev.apium.spi.RateLimitStore;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-task-type rate limits on a worker. A task type with a limit gets a lane: a FIFO of requests
 * waiting for a token and a token bucket, local (kombu's, capacity 1, as Celery) or shared by the
 * cluster through the broker's {@link RateLimitStore}. A waiting request holds no pool thread and
 * does not delay other task types; the lane is drained on this class's scheduler thread when the
 * next token is due. Limits change at run time ({@link #set}). Called from transport, ETA and
 * mailbox threads; {@link #returnAll()} hands every waiting request back on shutdown.
 */
final class RateLimits {
  static final String SCOPE_SETTING = "rate_limit_scope";
  private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

  private final Apium app;
  private final Consumer<Request> run;
  private final Runnable heldChanged;
  private final Map<String, String> overrides = new ConcurrentHashMap<>();
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final RateLimitScope defaultScope;

  RateLimits(Apium app, Consumer<Request> run, Runnable heldChanged) {
    this.app = app;
    this.run = run;
    this.heldChanged = heldChanged;
    String scope = app.config().get(SCOPE_SETTING, "worker").trim().toUpperCase(Locale.ROOT);
    try {
      this.defaultScope = RateLimitScope.valueOf(scope);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "rate_limit_scope '"
              + scope.toLowerCase(Locale.ROOT)
              + "' is not valid: use worker or cluster");
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-ratelimit"));
  }

  /** Runs the request now if its type has no limit or a token; else it waits in its lane. */
  void submit(Request r) {
    Lane lane = lane(r.task);
    if (lane == null) {
      run.accept(r);
      return;
    }
    synchronized (lane) {
      lane.waiting.add(r);
    }
    heldChanged.run();
    if (lane.store == null) {
      drain(lane);
    } else {
      wake(lane, 0);
    }
  }

  /** The lane of a limited task type (created or re-created on a rate change), or null. */
  private Lane lane(RegisteredTask task) {
    String rate =
        overrides.containsKey(task.name())
            ? overrides.get(task.name())
            : task.options().rateLimit();
    double perSecond = Rates.perSecond(rate);
    Lane lane = lanes.get(task.name());
    if (lane != null && lane.perSecond == perSecond) {
      return lane;
    }
    if (perSecond <= 0 && (lane == null || lane.waiting.isEmpty())) {
      lanes.remove(task.name());
      return null;
    }
    return lanes.compute(
        task.name(),
        (name, old) -> {
          if (old != null && old.perSecond == perSecond) {
            return old;
          }
          Lane fresh = new Lane(name, perSecond, store(task));
          if (old != null) {
            synchronized (old) {
              fresh.waiting.addAll(old.waiting);
              old.waiting.clear();
            }
          }
          return fresh;
        });
  }

  private RateLimitStore store(RegisteredTask task) {
    RateLimitScope scope =
        Optional.ofNullable(task.options().rateLimitScope()).orElse(defaultScope);
    if (scope != RateLimitScope.CLUSTER) {
      return null;
    }
    Optional<RateLimitStore> store = app.broker().rateLimitStore();
    if (store.isEmpty()) {
      log.warn(
          "Rate limit of {} is cluster-wide but broker {} has no shared store: counted per worker",
          task.name(),
          app.broker().describe());
    }
    return store.orElse(null);
  }

  /** Runs as many waiting requests as the bucket allows, then sleeps until the next token. */
  private void drain(Lane lane) {
    while (true) {
      Request next;
      synchronized (lane) {
        if (lane.perSecond <= 0) {
          next = lane.waiting.poll();
        } else {
          if (lane.waiting.isEmpty()) {
            return;
          }
          long wait = lane.acquire();
          if (wait > 0) {
            wake(lane, wait);
            return;
          }
          next = lane.waiting.poll();
        }
      }
      if (next == null) {
        return;
      }
      heldChanged.run();
      run.accept(next);
    }
  }

  private void wake(Lane lane, long nanos) {
    synchronized (lane) {
      if (lane.wakeup != null && !lane.wakeup.isDone()) {
        lane.wakeup.cancel(false);
      }
      try {
        lane.wakeup = scheduler.schedule(() -> drain(current(lane)), nanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down: returnAll() gives the waiting requests back
      }
    }
  }

  private Lane current(Lane lane) {
    Lane now = lanes.get(lane.name);
    return now == null ? lane : now;
  }

  /**
   * Changes a task type's limit at run time ({@code rate_limit} control command); {@code null}, ""
   * or "0" removes it. Waiting requests move to the new bucket.
   */
  void set(String taskName, String rate) {
    Rates.perSecond(rate);
    overrides.put(taskName, rate == null ? "" : rate);
    RegisteredTask task = app.task(taskName);
    Lane old = lanes.get(taskName);
    if (task == null || old == null) {
      return;
    }
    double perSecond = Rates.perSecond(rate);
    if (perSecond <= 0) {
      lanes.remove(taskName, old);
      List<Request> waiting;
      synchronized (old) {
        waiting = new ArrayList<>(old.waiting);
        old.waiting.clear();
      }
      heldChanged.run();
      waiting.forEach(run);
      return;
    }
    Lane lane = lane(task);
    if (lane != null) {
      wake(lane, 0);
    }
  }

  /** Requests waiting for a token now. */
  int held() {
    int n = 0;
    for (Lane lane : lanes.values()) {
      synchronized (lane) {
        n += lane.waiting.size();
      }
    }
    return n;
  }

  /** Stops the scheduler and returns every waiting request (to be requeued by the caller). */
  List<Request> returnAll() {
    scheduler.shutdownNow();
    List<Request> out = new ArrayList<>();
    for (Lane lane : lanes.values()) {
      synchronized (lane) {
        out.addAll(lane.waiting);
        lane.waiting.clear();
      }
    }
    return out;
  }

  /** One limited task type: its waiting requests and its bucket. Guarded by its own monitor. */
  private static final class Lane {
    final String name;
    final double perSecond;
    final RateLimitStore store;
    final TokenBucket local;
    final Deque<Request> waiting = new ArrayDeque<>();
    java.util.concurrent.Future<?> wakeup;

    Lane(String name, double perSecond, RateLimitStore store) {
      this.name = name;
      this.perSecond = perSecond;
      this.store = store;
      this.local = new TokenBucket(perSecond, 1, System::nanoTime);
    }

    long acquire() {
      if (store == null) {
        return local.acquire();
      }
      try {
        Duration wait = store.acquire("apium.ratelimit." + name, perSecond, 1);
        return wait.toNanos();
      } catch (RuntimeException e) {
        log.warn("Cluster rate limit of {} unavailable, retrying in 1 s: {}", name, e.getMessage());
        return TimeUnit.SECONDS.toNanos(1);
      }
    }
  }
}
