package dev.apium.beat;

import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.spi.CoordinationStore;
import dev.apium.spi.CoordinationStore.Claim;
import dev.apium.spi.CoordinationStore.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work for one entry at one tick: reads the entry's last run (the stored cursor),
 * decides what is due (missed runs: once for all, each one, or none), claims the firing's
 * idempotency key, publishes the task as an ordinary Celery message, marks the firing sent, and
 * moves the cursor; a firing claimed but never marked sent (its leader died in between) is sent by
 * the next leader. Every write is fenced by the lease but the sent mark, which records a fact.
 * Called on the beat's tick thread, under the beat's lock.
 */
final class Firings {
  /** Returned by {@link #run} when the lease was lost: the caller stops firing. */
  static final Instant FENCED = Instant.MIN;

  /** How many missed runs one tick fires at most under {@link MissedRuns#ALL}. */
  static final int CATCH_UP_PER_TICK = 1000;

  /** The message header that carries a firing's idempotency key. */
  static final String KEY_HEADER = "apium_beat_key";

  private static final Logger log = LoggerFactory.getLogger(Beat.class);

  private enum Outcome {
    SENT,
    ALREADY_SENT,
    FAILED,
    FENCED
  }

  /** An entry's last run and, computed once, the fire time after it (cron-utils is not cheap). */
  record Cursor(Instant last, Optional<Instant> next) {}

  private final Apium app;
  private final CoordinationStore store;
  private final String prefix;
  private final Duration leaseTtl;

  /**
   * {@code leaseTtl}: the beat's lease time; a third of it is how long one catch-up under {@link
   * MissedRuns#ALL} may run before it yields, so the lease is renewed in time.
   */
  Firings(Apium app, CoordinationStore store, String prefix, Duration leaseTtl) {
    this.app = app;
    this.store = store;
    this.prefix = prefix;
    this.leaseTtl = leaseTtl;
  }

  /** Fires the entry if due; returns its next fire time, null when none, or {@link #FENCED}. */
  Instant run(
      BeatEntry entry, Lease lease, Instant now, Duration grace, Map<String, Cursor> cursors) {
    String lastKey = prefix + "last." + entry.name();
    Cursor cursor = cursors.get(entry.name());
    if (cursor == null) {
      Instant last = store.get(lastKey).map(Instant::parse).orElse(null);
      if (last == null) {
        last = entry.schedule().firstCursor(now.truncatedTo(ChronoUnit.MILLIS));
        if (!store.put(lease, lastKey, last.toString())) {
          return FENCED;
        }
      }
      cursor = new Cursor(last, entry.schedule().next(last));
      cursors.put(entry.name(), cursor);
    }
    Optional<Instant> due = cursor.next();
    if (due.isEmpty() || due.get().isAfter(now)) {
      return due.orElse(null);
    }
    if (entry.missed() == MissedRuns.ALL) {
      return runEach(entry, lease, now, cursor, lastKey, cursors);
    }
    Instant latest = entry.schedule().latest(due.get(), now);
    boolean onTime = !now.isAfter(latest.plus(grace));
    if (entry.missed() == MissedRuns.RUN_ONCE || onTime) {
      if (!latest.equals(due.get())) {
        log.warn(
            "Beat entry '{}' missed its runs from {} to {}: running it once for them",
            entry.name(),
            due.get(),
            latest);
      }
      Outcome outcome = fire(entry, latest, lease, keep(cursor.last(), due.get()));
      if (outcome == Outcome.FENCED) {
        return FENCED;
      }
      if (outcome == Outcome.FAILED) {
        return now.plusSeconds(1);
      }
    } else {
      log.warn(
          "Beat entry '{}' skips its missed runs from {} to {} (missed: skip)",
          entry.name(),
          due.get(),
          latest);
    }
    return advance(entry, lease, latest, lastKey, cursors);
  }

  /**
   * {@link MissedRuns#ALL}: fires every run due by {@code now}, oldest first, each under its own
   * scheduled time, moving the cursor after each; at most {@link #CATCH_UP_PER_TICK} per tick and
   * for no longer than a third of the lease, so the lease is renewed during long catch-ups.
   */
  private Instant runEach(
      BeatEntry entry,
      Lease lease,
      Instant now,
      Cursor cursor,
      String lastKey,
      Map<String, Cursor> cursors) {
    Instant last = cursor.last();
    Optional<Instant> due = cursor.next();
    int fired = 0;
    long renewWithin = leaseTtl.dividedBy(3).toNanos();
    long started = System.nanoTime();
    while (due.isPresent() && !due.get().isAfter(now) && fired < CATCH_UP_PER_TICK) {
      if (fired > 0 && System.nanoTime() - started > renewWithin) {
        break; // back to the beat, which renews its lease before it catches up further
      }
      if (fired == 1) {
        log.warn(
            "Beat entry '{}' missed runs since {}: running each one (missed: all)",
            entry.name(),
            due.get());
      }
      Outcome outcome = fire(entry, due.get(), lease, keep(last, due.get()));
      if (outcome == Outcome.FENCED) {
        return FENCED;
      }
      if (outcome == Outcome.FAILED) {
        return now.plusSeconds(1);
      }
      Instant next = advance(entry, lease, due.get(), lastKey, cursors);
      if (next == FENCED) {
        return FENCED;
      }
      last = due.get();
      due = Optional.ofNullable(next);
      fired++;
    }
    return due.orElse(null);
  }

  /** Stores {@code fired} as the entry's last run; returns the next fire time (or FENCED). */
  private Instant advance(
      BeatEntry entry, Lease lease, Instant fired, String lastKey, Map<String, Cursor> cursors) {
    if (!store.put(lease, lastKey, fired.toString())) {
      return FENCED;
    }
    Optional<Instant> next = entry.schedule().next(fired);
    cursors.put(entry.name(), new Cursor(fired, next));
    return next.orElse(null);
  }

  private Outcome fire(BeatEntry entry, Instant scheduled, Lease lease, Duration keep) {
    String key = entry.name() + "@" + scheduled;
    String claimKey = prefix + "fired." + key;
    Claim claim = store.claim(lease, claimKey, lease.owner() + "#" + lease.token(), keep);
    if (claim == Claim.FENCED) {
      return Outcome.FENCED;
    }
    String sentKey = prefix + "sent." + key;
    if (claim == Claim.TAKEN) {
      if (store.get(sentKey).isPresent()) {
        log.debug("Beat entry '{}' at {} was already sent", entry.name(), scheduled);
        return Outcome.ALREADY_SENT;
      }
      // Claimed but never marked sent: its leader died between claim and send (or just after the
      // send, which the firing's fixed task id makes visible as one task id sent twice).
      log.warn(
          "Beat entry '{}' at {} was claimed by a leader that did not confirm the send: sending it",
          entry.name(),
          scheduled);
    }
    // Renewed right before the send: a leader that stalled since its claim (and may have been
    // replaced, its successor sending this run) sends nothing; the claim stays for the successor.
    if (!store.renew(lease, leaseTtl)) {
      return Outcome.FENCED;
    }
    CallOptions options = CallOptions.create().taskId(taskId(key)).header(KEY_HEADER, key);
    if (entry.queue() != null) {
      options.queue(entry.queue());
    }
    if (entry.priority() != null) {
      options.priority(entry.priority());
    }
    if (entry.expires() != null) {
      options.expires(entry.expires());
    }
    try {
      app.send(entry.task(), entry.args(), entry.kwargs(), options);
    } catch (RuntimeException e) {
      store.delete(claimKey);
      log.warn(
          "Beat entry '{}': could not send {} (will retry): {}",
          entry.name(),
          entry.task(),
          e.toString());
      return Outcome.FAILED;
    }
    log.info("Scheduler: Sending due task {} ({}) for {}", entry.name(), entry.task(), scheduled);
    // Not fenced: the message is out, and that stays true whoever leads now. A leader that stalled
    // past its lease between claim and here must still record it, or its successor (seeing the
    // claim but no mark) would send the run a second time.
    store.setIfAbsent(sentKey, "1", keep);
    return Outcome.SENT;
  }

  /** The task id of a firing: the same on every beat instance, derived from the key. */
  private String taskId(String key) {
    return UUID.nameUUIDFromBytes((prefix + key).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** How long a claim is kept: long after the cursor has moved past it. */
  private static Duration keep(Instant last, Instant due) {
    Duration week = Duration.ofDays(7);
    Duration twice = Duration.between(last, due).multipliedBy(2);
    return twice.compareTo(week) > 0 ? twice : week;
  }
}
