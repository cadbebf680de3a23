package dev.apium.beat;

/**
 * What a beat does with runs that fell due while no beat could fire them (all beats down, or a
 * leader died and its lease had not yet expired).
 */
public enum MissedRuns {
  /** Fire once for all the missed runs, as Celery does (the default). */
  RUN_ONCE,
  /**
   * Fire none of them; wait for the next run that is on time (late by no more than the beat's
   * grace, 5 s by default).
   */
  SKIP,
  /**
   * Fire each missed run once, in order, each with its own scheduled time (the task id and the
   * {@code apium_beat_key} header name it), so a leader's death costs no run and doubles none.
   */
  ALL
}
