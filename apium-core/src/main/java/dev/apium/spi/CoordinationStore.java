package dev.apium.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Shared state that lets several processes act as one (the beat scheduler's leader election, its
 * idempotency keys and its last-run state): leases with fencing tokens, set-if-absent keys with a
 * time to live, and plain values written only by a lease holder. Obtained from {@link
 * ResultBackend#coordination()}; it shares the backend's connection, is thread-safe, and is closed
 * with the backend. Lease times are measured by the store (Redis server time, the database's clock,
 * the memory backend's clock), never by the caller.
 */
public interface CoordinationStore {

  /** A held lease: its name, the holder, and the fencing token it was granted (strictly rising). */
  record Lease(String name, String owner, long token) {}

  /** The outcome of {@link #claim}. */
  enum Claim {
    /** The key was absent and is now set: the caller owns it. */
    CLAIMED,
    /** The key already existed: someone claimed it before. */
    TAKEN,
    /** The caller's lease is no longer held (expired or taken over): nothing was written. */
    FENCED
  }

  /**
   * Takes the lease {@code name} for {@code ttl} when nobody holds it (Redis {@code SET NX PX}),
   * granting a fencing token larger than every token granted before for that name. When {@code
   * owner} already holds it, extends it and returns the same token. Empty when someone else holds
   * it.
   */
  Optional<Lease> acquire(String name, String owner, Duration ttl);

  /**
   * Extends a held lease to {@code ttl} from now, only when it is still held with the same owner
   * and token (compare and set). False when it expired or was taken: the caller is no longer
   * leader.
   */
  boolean renew(Lease lease, Duration ttl);

  /** Gives the lease up when still held with this token (so another can take it at once). */
  void release(Lease lease);

  /**
   * Sets {@code key} to {@code value} for {@code ttl} when absent, only while {@code lease} is
   * still held (checked atomically with the write): a holder whose lease was lost cannot claim.
   */
  Claim claim(Lease lease, String key, String value, Duration ttl);

  /** Sets {@code key} when absent, for {@code ttl}; true when this call set it. */
  boolean setIfAbsent(String key, String value, Duration ttl);

  /** The value of a key, or empty. */
  Optional<String> get(String key);

  /**
   * Writes a value that does not expire, only while {@code lease} is still held (checked atomically
   * with the write). False when fenced: nothing was written.
   */
  boolean put(Lease lease, String key, String value);

  /** Deletes a key (a claim whose work could not be done, so it may be tried again). */
  void delete(String key);
}
