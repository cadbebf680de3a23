package dev.apium.memory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code memory://} result backend: results, groups, chord counters and revoked ids in this
 * JVM, shared by every backend of the same name. Thread-safe (one monitor per name); waiters are
 * completed by the storing thread, outside the monitor. Entries expire lazily after {@code
 * result_expires} (zero or less: never), measured on the injected clock. {@link #close()} fails the
 * waits this instance started; the stored data stays for other backends of the name.
 */
public final class MemoryResultBackend implements ResultBackend {
  private static final Map<String, Results> BY_NAME = new ConcurrentHashMap<>();

  private record Timed<T>(T value, Instant expiresAt) {}

  private record Part(int index, ChordPart part) {}

  private static final class Chord {
    int size = -1;
    int added;
    boolean fired;
    Instant expiresAt;
    final Map<String, Part> parts = new HashMap<>();
  }

  /** The shared state of one name; guarded by its own monitor. */
  private static final class Results {
    final Map<String, Timed<ResultMeta>> metas = new HashMap<>();
    final Map<String, Set<CompletableFuture<ResultMeta>>> waiters = new HashMap<>();
    final Map<String, Timed<JsonNode>> groups = new HashMap<>();
    final Map<String, Chord> chords = new HashMap<>();
    final Map<String, Instant> revoked = new HashMap<>();
  }

  private final String name;
  private final Duration expires;
  private final Clock clock;
  private final Results shared;
  private final Set<CompletableFuture<ResultMeta>> ownWaits = ConcurrentHashMap.newKeySet();

  /** The default backend with results kept for a day. */
  public MemoryResultBackend() {
    this("", Duration.ofDays(1), Clock.systemUTC());
  }

  public MemoryResultBackend(String name, Duration resultExpires, Clock clock) {
    this.name = name;
    this.expires = resultExpires;
    this.clock = clock;
    this.shared = BY_NAME.computeIfAbsent(name, n -> new Results());
  }

  private Instant expiry() {
    return expires == null || expires.isZero() || expires.isNegative()
        ? null
        : clock.instant().plus(expires);
  }

  private boolean alive(Instant expiresAt) {
    return expiresAt == null || clock.instant().isBefore(expiresAt);
  }

  private <T> T live(Map<String, Timed<T>> map, String key) {
    Timed<T> timed = map.get(key);
    if (timed != null && !alive(timed.expiresAt())) {
      map.remove(key);
      return null;
    }
    return timed == null ? null : timed.value();
  }

  @Override
  public void store(ResultMeta meta) {
    Set<CompletableFuture<ResultMeta>> wake = null;
    synchronized (shared) {
      ResultMeta previous = live(shared.metas, meta.taskId());
      if (previous != null && TaskState.SUCCESS.equals(previous.status())) {
        return;
      }
      shared.metas.put(meta.taskId(), new Timed<>(meta, expiry()));
      if (meta.ready()) {
        wake = shared.waiters.remove(meta.taskId());
      }
    }
    if (wake != null) {
      wake.forEach(waiter -> waiter.complete(meta));
    }
  }

  @Override
  public Optional<ResultMeta> get(String taskId) {
    synchronized (shared) {
      return Optional.ofNullable(live(shared.metas, taskId));
    }
  }

  @Override
  public CompletableFuture<ResultMeta> awaitReady(String taskId) {
    CompletableFuture<ResultMeta> waiter = new CompletableFuture<>();
    synchronized (shared) {
      ResultMeta current = live(shared.metas, taskId);
      if (current != null && current.ready()) {
        return CompletableFuture.completedFuture(current);
      }
      shared.waiters.computeIfAbsent(taskId, id -> new HashSet<>()).add(waiter);
    }
    ownWaits.add(waiter);
    waiter.whenComplete(
        (meta, error) -> {
          ownWaits.remove(waiter);
          synchronized (shared) {
            Set<CompletableFuture<ResultMeta>> set = shared.waiters.get(taskId);
            if (set != null && set.remove(waiter) && set.isEmpty()) {
              shared.waiters.remove(taskId);
            }
          }
        });
    return waiter;
  }

  @Override
  public void forget(String taskId) {
    synchronized (shared) {
      shared.metas.remove(taskId);
    }
  }

  @Override
  public void saveGroup(String groupId, JsonNode resultTuple) {
    synchronized (shared) {
      shared.groups.put(groupId, new Timed<>(resultTuple.deepCopy(), expiry()));
    }
  }

  @Override
  public Optional<JsonNode> restoreGroup(String groupId) {
    synchronized (shared) {
      JsonNode tuple = live(shared.groups, groupId);
      return Optional.ofNullable(tuple == null ? null : tuple.deepCopy());
    }
  }

  @Override
  public void forgetGroup(String groupId) {
    synchronized (shared) {
      shared.groups.remove(groupId);
    }
  }

  private Chord chord(String groupId) {
    Chord chord = shared.chords.get(groupId);
    if (chord == null || !alive(chord.expiresAt)) {
      chord = new Chord();
      shared.chords.put(groupId, chord);
    }
    chord.expiresAt = expiry();
    return chord;
  }

  @Override
  public void chordSetSize(String groupId, int size) {
    synchronized (shared) {
      chord(groupId).size = size;
    }
  }

  @Override
  public void chordAddTasks(String groupId, int count) {
    synchronized (shared) {
      chord(groupId).added += count;
    }
  }

  @Override
  public Optional<List<ChordPart>> chordPartDone(String groupId, int groupIndex, ChordPart part) {
    synchronized (shared) {
      Chord chord = chord(groupId);
      chord.parts.putIfAbsent(part.taskId(), new Part(groupIndex, part));
      if (chord.fired || chord.size < 0 || chord.parts.size() < chord.size + chord.added) {
        return Optional.empty();
      }
      chord.fired = true;
      return Optional.of(
          chord.parts.values().stream()
              .sorted(Comparator.comparingInt(Part::index))
              .map(Part::part)
              .toList());
    }
  }

  /** A zero or negative {@code keepFor} keeps the id until the JVM exits. */
  @Override
  public void markRevoked(String taskId, Duration keepFor) {
    synchronized (shared) {
      boolean forever = keepFor == null || keepFor.isZero() || keepFor.isNegative();
      shared.revoked.put(taskId, forever ? Instant.MAX : clock.instant().plus(keepFor));
    }
  }

  @Override
  public Set<String> revokedIds() {
    synchronized (shared) {
      shared.revoked.values().removeIf(expiresAt -> !alive(expiresAt));
      return Set.copyOf(shared.revoked.keySet());
    }
  }

  @Override
  public Optional<dev.apium.spi.CoordinationStore> coordination() {
    return Optional.of(new MemoryCoordinationStore(name, clock));
  }

  @Override
  public String describe() {
    return "memory://" + name;
  }

  @Override
  public void close() {
    for (CompletableFuture<ResultMeta> waiter : List.copyOf(ownWaits)) {
      waiter.completeExceptionally(
          new IllegalStateException(describe() + " was closed while a caller awaited a result"));
    }
  }
}
