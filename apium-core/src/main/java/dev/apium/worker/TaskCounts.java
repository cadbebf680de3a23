package dev.apium.worker;

/**
 * How the tasks a worker received since it started have ended; each ends in exactly one count.
 * {@code processed}: it ran and succeeded (its result stored or ignored), was re-published for a
 * retry, or replaced itself. {@code failed}: FAILURE was stored (the task raised, hit its hard time
 * limit, ran out of retries, or is not registered here) or its state could not be stored. {@code
 * revoked}: refused before it started (revoked or expired) or stopped by {@code revoke
 * --terminate}. {@code rejected}: the message could not be read and went to the dead letters. A
 * task handed back to the broker (warm or cold shutdown, a lost result write under {@code
 * acks_late}) is not ended: it counts where it ends later. An immutable snapshot.
 */
public record TaskCounts(long processed, long failed, long revoked, long rejected) {
  /** Every ended task. */
  public long total() {
    return processed + failed + revoked + rejected;
  }
}
