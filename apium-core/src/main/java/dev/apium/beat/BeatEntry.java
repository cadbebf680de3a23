package dev.apium.beat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the beat schedule, shaped like Celery's {@code beat_schedule} item: a name, the task
 * to send, when, its {@code args}/{@code kwargs}, the call options ({@code queue}, {@code
 * priority}, {@code expires}) and what to do with missed runs. Immutable; the {@code with} methods
 * return copies.
 */
public record BeatEntry(
    String name,
    String task,
    Schedule schedule,
    List<Object> args,
    Map<String, Object> kwargs,
    String queue,
    Integer priority,
    Duration expires,
    MissedRuns missed) {

  public BeatEntry {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a beat entry needs a name");
    }
    if (task == null || task.isBlank()) {
      throw new IllegalArgumentException("beat entry '" + name + "' needs a task name");
    }
    Objects.requireNonNull(schedule, () -> "beat entry '" + name + "' needs a schedule");
    args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    if (priority != null && (priority < 0 || priority > 255)) {
      throw new IllegalArgumentException(
          "beat entry '" + name + "': priority " + priority + " is not in 0-255");
    }
    missed = missed == null ? MissedRuns.RUN_ONCE : missed;
  }

  /** An entry sending {@code task} with positional {@code args} on {@code schedule}. */
  public static BeatEntry of(String name, Schedule schedule, String task, Object... args) {
    return new BeatEntry(
        name, task, schedule, Arrays.asList(args), Map.of(), null, null, null, null);
  }

  public BeatEntry withKwargs(Map<String, ?> value) {
    return new BeatEntry(
        name, task, schedule, args, new LinkedHashMap<>(value), queue, priority, expires, missed);
  }

  public BeatEntry withQueue(String value) {
    return new BeatEntry(name, task, schedule, args, kwargs, value, priority, expires, missed);
  }

  public BeatEntry withPriority(int value) {
    return new BeatEntry(name, task, schedule, args, kwargs, queue, value, expires, missed);
  }

  /** Each sent task expires this long after it is sent (not run after that). */
  public BeatEntry withExpires(Duration value) {
    return new BeatEntry(name, task, schedule, args, kwargs, queue, priority, value, missed);
  }

  public BeatEntry withMissed(MissedRuns value) {
    return new BeatEntry(name, task, schedule, args, kwargs, queue, priority, expires, value);
  }

  /** A crontab entry read in {@code zone}; other schedules do not depend on a zone. */
  public BeatEntry withTimezone(ZoneId zone) {
    Schedule s = schedule instanceof Crontab c ? c.in(zone) : schedule;
    return new BeatEntry(name, task, s, args, kwargs, queue, priority, expires, missed);
  }

  BeatEntry withDefaultZone(ZoneId zone) {
    Schedule s = schedule instanceof Crontab c ? c.withDefaultZone(zone) : schedule;
    return new BeatEntry(name, task, s, args, kwargs, queue, priority, expires, missed);
  }
}
