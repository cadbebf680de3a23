package dev.apium.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Counts of succeeded and failed tasks for the charts, at three resolutions kept side by side: one
 * bucket a second for the last 2 minutes, one per 15 seconds for the last 15 minutes, one a minute
 * for the last hour. Every finished task is counted once in each, so memory is 240 buckets whatever
 * the load, and a window is read from the finest resolution that covers it. Owned by {@link
 * FleetState}, which calls it under its own lock.
 */
final class Throughput {
  /** The windows the pages offer: name, seconds. */
  static final String[][] WINDOWS = {{"2m", "120"}, {"15m", "900"}, {"1h", "3600"}};

  private final Ring[] rings = {new Ring(1, 120), new Ring(15, 60), new Ring(60, 60)};

  /** The longest window any resolution covers, in seconds. */
  static int maxSeconds() {
    return 3600;
  }

  /** The window named {@code 2m}, {@code 15m} or {@code 1h}, in seconds. */
  static int windowSeconds(String name) {
    for (String[] w : WINDOWS) {
      if (w[0].equals(name)) {
        return Integer.parseInt(w[1]);
      }
    }
    throw new IllegalArgumentException("window=" + name + ": give one of 2m, 15m, 1h");
  }

  void count(double timestamp, boolean failed) {
    for (Ring r : rings) {
      r.count((long) Math.floor(timestamp), failed);
    }
  }

  /**
   * The last {@code seconds} before {@code now} into {@code out}: {@code bucket_seconds}, {@code
   * succeeded} and {@code failed} (a count per bucket, oldest first) and {@code series_end}.
   */
  void window(double now, int seconds, ObjectNode out) {
    Ring ring = rings[rings.length - 1];
    for (Ring r : rings) {
      if (r.bucketSeconds * r.slots >= seconds) {
        ring = r;
        break;
      }
    }
    long end = (long) Math.floor(now);
    int n = (int) Math.min(ring.slots, (seconds + ring.bucketSeconds - 1) / ring.bucketSeconds);
    out.put("bucket_seconds", ring.bucketSeconds);
    ArrayNode ok = out.putArray("succeeded");
    ArrayNode bad = out.putArray("failed");
    long last = Math.floorDiv(end, ring.bucketSeconds);
    for (long b = last - n + 1; b <= last; b++) {
      int i = (int) Math.floorMod(b, (long) ring.slots);
      boolean current = ring.bucket[i] == b;
      ok.add(current ? ring.succeeded[i] : 0);
      bad.add(current ? ring.failed[i] : 0);
    }
    out.put("series_end", end);
  }

  /** One resolution: {@code slots} buckets of {@code bucketSeconds}, reused round the ring. */
  private static final class Ring {
    final int bucketSeconds;
    final int slots;
    final long[] bucket;
    final long[] succeeded;
    final long[] failed;

    Ring(int bucketSeconds, int slots) {
      this.bucketSeconds = bucketSeconds;
      this.slots = slots;
      bucket = new long[slots];
      succeeded = new long[slots];
      failed = new long[slots];
      java.util.Arrays.fill(bucket, Long.MIN_VALUE);
    }

    void count(long second, boolean isFailure) {
      long b = Math.floorDiv(second, bucketSeconds);
      int i = (int) Math.floorMod(b, (long) slots);
      if (b < bucket[i]) {
        return; // older than the ring reaches: its slot already holds a newer bucket
      }
      if (bucket[i] != b) {
        bucket[i] = b;
        succeeded[i] = 0;
        failed[i] = 0;
      }
      if (isFailure) {
        failed[i]++;
      } else {
        succeeded[i]++;
      }
    }
  }
}
