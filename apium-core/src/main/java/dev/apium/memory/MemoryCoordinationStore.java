package dev.apium.memory;

import dev.apium.spi.CoordinationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code memory://} coordination store: leases, fencing counters and keys in this JVM, shared
 * by every store of the same name (as the memory backend's results are), so several beat instances
 * in one process coordinate as they would through Redis. Thread-safe (one monitor per name); times
 * are measured on the injected clock, and expired entries are dropped lazily. Holds no resources.
 */
public final class MemoryCoordinationStore implements CoordinationStore {
  private static final Map<String, State> BY_NAME = new ConcurrentHashMap<>();

  private record Held(String owner, long token, Instant until) {}

  private record Value(String value, Instant until) {}

  private static final class State {
    final Map<String, Held> leases = new HashMap<>();
    final Map<String, Long> fences = new HashMap<>();
    final Map<String, Value> values = new HashMap<>();
  }

  private final Clock clock;
  private final State state;

  /** A store shared with every other memory store (and memory backend) of this name. */
  public MemoryCoordinationStore(String name, Clock clock) {
    this.clock = clock;
    this.state = BY_NAME.computeIfAbsent(name, n -> new State());
  }

  private Held live(String name, Instant now) {
    Held held = state.leases.get(name);
    if (held != null && !now.isBefore(held.until())) {
      state.leases.remove(name);
      return null;
    }
    return held;
  }

  private boolean holds(Lease lease, Instant now) {
    Held held = live(lease.name(), now);
    return held != null && held.owner().equals(lease.owner()) && held.token() == lease.token();
  }

  private Value value(String key, Instant now) {
    Value v = state.values.get(key);
    if (v != null && v.until() != null && !now.isBefore(v.until())) {
      state.values.remove(key);
      return null;
    }
    return v;
  }

  @Override
  public Optional<Lease> acquire(String name, String owner, Duration ttl) {
    synchronized (state) {
      Instant now = clock.instant();
      Held held = live(name, now);
      if (held != null && !held.owner().equals(owner)) {
        return Optional.empty();
      }
      long token = held != null ? held.token() : state.fences.merge(name, 1L, Long::sum);
      state.leases.put(name, new Held(owner, token, now.plus(ttl)));
      return Optional.of(new Lease(name, owner, token));
    }
  }

  @Override
  public boolean renew(Lease lease, Duration ttl) {
    synchronized (state) {
      Instant now = clock.instant();
      if (!holds(lease, now)) {
        return false;
      }
      state.leases.put(lease.name(), new Held(lease.owner(), lease.token(), now.plus(ttl)));
      return true;
    }
  }

  @Override
  public void release(Lease lease) {
    synchronized (state) {
      if (holds(lease, clock.instant())) {
        state.leases.remove(lease.name());
      }
    }
  }

  @Override
  public Claim claim(Lease lease, String key, String value, Duration ttl) {
    synchronized (state) {
      Instant now = clock.instant();
      if (!holds(lease, now)) {
        return Claim.FENCED;
      }
      if (value(key, now) != null) {
        return Claim.TAKEN;
      }
      state.values.put(key, new Value(value, now.plus(ttl)));
      return Claim.CLAIMED;
    }
  }

  @Override
  public boolean setIfAbsent(String key, String value, Duration ttl) {
    synchronized (state) {
      Instant now = clock.instant();
      if (value(key, now) != null) {
        return false;
      }
      state.values.put(key, new Value(value, now.plus(ttl)));
      return true;
    }
  }

  @Override
  public Optional<String> get(String key) {
    synchronized (state) {
      return Optional.ofNullable(value(key, clock.instant())).map(Value::value);
    }
  }

  @Override
  public boolean put(Lease lease, String key, String value) {
    synchronized (state) {
      if (!holds(lease, clock.instant())) {
        return false;
      }
      state.values.put(key, new Value(value, null));
      return true;
    }
  }

  @Override
  public void delete(String key) {
    synchronized (state) {
      state.values.remove(key);
    }
  }
}
