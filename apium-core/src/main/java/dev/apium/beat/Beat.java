package dev.apium.beat;

import dev.apium.Apium;
import dev.apium.memory.MemoryCoordinationStore;
import dev.apium.spi.CoordinationStore;
import dev.apium.spi.CoordinationStore.Lease;
import dev.apium.spi.Threads;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic task scheduler (Celery's {@code celery beat}), safe to run as many times as wanted:
 * the instances elect one leader through a lease in the result backend's {@link CoordinationStore},
 * the leader claims an idempotency key per firing (entry + scheduled time) before it publishes, and
 * each entry's last run is stored there too, so a restart or a change of leader neither repeats nor
 * skips a run. {@link #tick(Instant)} does one round and returns when to call it again (tests drive
 * it with their own clock); {@link #start()} runs it on a daemon thread until {@link #stop()},
 * which releases the lease so another instance takes over at once.
 */
public final class Beat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Beat.class);

  /**
   * The leader's lease (setting {@code beat_lease_ttl}): followers try to take it every third of
   * it, so a dead leader is replaced within about 8 s.
   */
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(6);

  private final Apium app;
  private final String name;
  private final String owner;
  private final List<BeatEntry> entries;
  private final CoordinationStore store;
  private final Duration leaseTtl;
  private final Duration grace;
  private final Clock clock;
  private final Firings firings;
  private final Map<String, Firings.Cursor> cursors = new LinkedHashMap<>();
  private volatile Lease lease;
  private volatile Thread thread;
  private volatile CountDownLatch stopSignal;

  private Beat(Builder b) {
    this.app = b.app;
    this.name = b.name != null ? b.name : app.name();
    this.owner =
        b.owner != null
            ? b.owner
            : "beat-"
                + ProcessHandle.current().pid()
                + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    ZoneId zone = ZoneId.of(app.config().get("timezone", "UTC"));
    this.entries = b.entries.values().stream().map(e -> e.withDefaultZone(zone)).toList();
    this.leaseTtl =
        b.leaseTtl != null ? b.leaseTtl : app.config().getSeconds("beat_lease_ttl", DEFAULT_LEASE);
    this.grace = b.grace != null ? b.grace : Duration.ofSeconds(5);
    this.clock = app.clock();
    this.store = b.store != null ? b.store : storeOf(app);
    this.firings = new Firings(app, store, "apium.beat." + name + ".", leaseTtl);
  }

  private static CoordinationStore storeOf(Apium app) {
    return app.backend()
        .coordination()
        .orElseGet(
            () -> {
              log.warn(
                  "Result backend {} cannot coordinate beats: running alone with last runs kept in"
                      + " memory (use a redis://, sqlite: or postgresql:// result_backend for several"
                      + " beats and persisted runs)",
                  app.backend().describe());
              return new MemoryCoordinationStore("beat-" + UUID.randomUUID(), Clock.systemUTC());
            });
  }

  /** The schedule, with each crontab's zone resolved. */
  public List<BeatEntry> entries() {
    return entries;
  }

  public String owner() {
    return owner;
  }

  /** True while this instance held the lease at its last tick. */
  public boolean isLeader() {
    return lease != null;
  }

  /**
   * One round: keeps or takes the lease, and as leader fires every entry that is due at {@code
   * now}. Returns when to tick again: the next fire time, and never later than a third of the lease
   * time (to renew it, or to take over from a dead leader).
   */
  public synchronized Instant tick(Instant now) {
    Instant wake = now.plus(leaseTtl.dividedBy(3));
    if (!lead()) {
      return wake;
    }
    for (BeatEntry entry : entries) {
      Instant next = firings.run(entry, lease, now, grace, cursors);
      if (next == Firings.FENCED) {
        lostLease();
        return wake;
      }
      if (next != null && next.isBefore(wake)) {
        wake = next;
      }
    }
    return wake;
  }

  private boolean lead() {
    Lease held = lease;
    if (held != null && !store.renew(held, leaseTtl)) {
      lostLease();
      held = null;
    }
    if (held == null) {
      held = store.acquire("apium.beat." + name + ".leader", owner, leaseTtl).orElse(null);
      if (held != null) {
        log.info("Beat {} is now the leader of '{}' (fencing token {})", owner, name, held.token());
        cursors.clear();
      }
      lease = held;
    }
    return held != null;
  }

  private void lostLease() {
    if (lease != null) {
      log.warn("Beat {} lost the lease of '{}': another beat leads now", owner, name);
    }
    lease = null;
    cursors.clear();
  }

  /** Runs the tick loop on a daemon thread, on the app's clock. */
  public synchronized Beat start() {
    if (thread != null) {
      return this;
    }
    CountDownLatch signal = new CountDownLatch(1);
    stopSignal = signal;
    Thread t = Threads.daemon("apium-beat", () -> loop(signal));
    thread = t;
    log.info(
        "Beat {} starting: {} entr{} {}, lease {} s, store of {}",
        owner,
        entries.size(),
        entries.size() == 1 ? "y" : "ies",
        entries.stream().map(e -> e.name() + " (" + e.schedule() + ")").toList(),
        leaseTtl.toSeconds(),
        app.backendUrl().replaceAll("//[^@/]*@", "//***@"));
    t.start();
    return this;
  }

  private void loop(CountDownLatch signal) {
    while (signal.getCount() > 0) {
      Instant next;
      try {
        next = tick(clock.instant());
      } catch (RuntimeException e) {
        log.warn("Beat {} tick failed (retrying in 1 s): {}", owner, e.toString());
        next = clock.instant().plusSeconds(1);
      }
      long waitMs = Math.max(10, Duration.between(clock.instant(), next).toMillis());
      try {
        if (signal.await(waitMs, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the loop and gives the lease up, so another beat takes over at once. */
  public void stop() {
    Thread t;
    synchronized (this) {
      t = thread;
      thread = null;
      if (stopSignal != null) {
        stopSignal.countDown();
      }
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      Lease held = lease;
      lease = null;
      if (held != null) {
        try {
          store.release(held);
        } catch (RuntimeException e) {
          log.warn("Beat {} could not release its lease: {}", owner, e.toString());
        }
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** A builder for the app's beat; see {@link Apium#beat()}. Not thread-safe. */
  public static Builder builder(Apium app) {
    return new Builder(app);
  }

  /** Configures a {@link Beat}: its entries (in code or from a file) and its lease. */
  public static final class Builder {
    private final Apium app;
    private final Map<String, BeatEntry> entries = new LinkedHashMap<>();
    private String name;
    private String owner;
    private Duration leaseTtl;
    private Duration grace;
    private CoordinationStore store;

    private Builder(Apium app) {
      this.app = app;
    }

    /** Sends {@code task} with {@code args} every {@code period}. */
    public Builder every(String entry, Duration period, String task, Object... args) {
      return entry(BeatEntry.of(entry, Schedule.every(period), task, args));
    }

    /** Sends {@code task} on a crontab ({@code "minute hour day_of_month month day_of_week"}). */
    public Builder cron(String entry, String crontab, String task, Object... args) {
      Crontab schedule;
      try {
        schedule = Crontab.parse(crontab);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "beat entry '" + entry + "': field 'schedule': " + e.getMessage(), e);
      }
      return entry(BeatEntry.of(entry, schedule, task, args));
    }

    /** Sends {@code task} once, at {@code at}. */
    public Builder at(String entry, Instant at, String task, Object... args) {
      return entry(BeatEntry.of(entry, Schedule.at(at), task, args));
    }

    public Builder entry(BeatEntry entry) {
      if (entries.putIfAbsent(entry.name(), entry) != null) {
        throw new IllegalArgumentException(
            "beat entry '" + entry.name() + "' is defined twice: give each entry its own name");
      }
      return this;
    }

    /** Adds the entries of a schedule file ({@code .yaml}, {@code .yml} or {@code .properties}). */
    public Builder file(Path path) {
      BeatFile.read(path).forEach(this::entry);
      return this;
    }

    /**
     * The schedule's name, shared by every beat instance of it (default: the app's name). Beats of
     * one name share one lease and one set of last runs: give different applications that share a
     * result backend different names.
     */
    public Builder name(String value) {
      name = value;
      return this;
    }

    /** This instance's id in the lease (default: pid and a random suffix). */
    public Builder owner(String value) {
      owner = value;
      return this;
    }

    /** How long a leader's lease lasts without renewal (setting {@code beat_lease_ttl}, 6 s). */
    public Builder leaseTtl(Duration value) {
      leaseTtl = value;
      return this;
    }

    /** How late a run may be and still count as on time for {@link MissedRuns#SKIP} (5 s). */
    public Builder grace(Duration value) {
      grace = value;
      return this;
    }

    /** Coordinate through this store instead of the result backend's. */
    public Builder coordination(CoordinationStore value) {
      store = value;
      return this;
    }

    public List<BeatEntry> entries() {
      return new ArrayList<>(entries.values());
    }

    public Beat build() {
      return new Beat(this);
    }

    public Beat start() {
      return build().start();
    }
  }
}
