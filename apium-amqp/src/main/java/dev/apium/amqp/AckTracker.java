package dev.apium.amqp;

import java.io.IOException;
import java.util.Arrays;

/**
 * The delivery tags one consumer channel has handed out and which of them are settled, so that acks
 * leave as one {@code basic.ack(multiple=true)} per run of settled tags instead of one frame per
 * delivery. AMQP acks are cumulative per channel, so a multiple ack up to tag T is sent only when
 * every lower tag this channel delivered is acked too (or already rejected or acked on its own); an
 * acked tag behind an unsettled one waits, and is acked on its own once that gap has outlived one
 * flush, or at once when too many acks wait or the channel closes. A tag is never acked before the
 * handler settled it. Tags at or below the channel's stale offset (deliveries of a channel
 * incarnation lost to connection recovery, which RabbitMQ already requeued) are dropped without an
 * ack, as amqp-client itself would drop their acks. Not thread-safe: {@link AmqpConsumption} calls
 * it under its lock, from the consumer thread and settling threads.
 */
final class AckTracker {
  /** Sends one {@code basic.ack}; called in tag order. */
  interface Sender {
    void ack(long tag, boolean multiple) throws IOException;
  }

  private static final byte UNSETTLED = 0;
  private static final byte ACKED = 1;
  private static final byte DONE = 2;

  private long[] tags = new long[64];
  private byte[] states = new byte[64];
  private int head;
  private int size;
  private int unsettled;
  private int pending;
  private int done;
  private final long gapNanos;
  private long gapTag = -1;
  private long gapSince;

  /** {@code gapNanos}: how long an unsettled tag may hold later acks back. */
  AckTracker(long gapNanos) {
    this.gapNanos = gapNanos;
  }

  /** Handed out but not settled. */
  int unsettled() {
    return unsettled;
  }

  /** Acked by the handler, not yet sent to RabbitMQ. */
  int pending() {
    return pending;
  }

  /** A tag the consumer received (in increasing order, as the channel dispatches them). */
  void delivered(long tag) {
    if (size == tags.length) {
      grow();
    }
    if (size == 0 || tag > tagAt(size - 1)) {
      int i = index(size++);
      tags[i] = tag;
      states[i] = UNSETTLED;
      unsettled++;
      return;
    }
    int at = find(tag);
    if (at >= 0) {
      return; // already known
    }
    insert(-at - 1, tag);
    unsettled++;
  }

  /** The handler acked {@code tag}; false when the tag is unknown (stale or settled). */
  boolean acked(long tag) {
    int at = find(tag);
    if (at < 0 || states[index(at)] != UNSETTLED) {
      return false;
    }
    states[index(at)] = ACKED;
    unsettled--;
    pending++;
    return true;
  }

  /**
   * {@code tag} was rejected (or otherwise removed from the channel's unacked set) by a frame
   * already sent; a later multiple ack may pass over it.
   */
  void removed(long tag) {
    int at = find(tag);
    if (at < 0 || states[index(at)] != UNSETTLED) {
      return;
    }
    states[index(at)] = DONE;
    unsettled--;
    done++;
  }

  /**
   * Sends what is safe: a multiple ack for the longest settled prefix; then, if acks still wait
   * behind an unsettled tag and either {@code urgentAt} of them wait or that tag has held acks back
   * for the tracker's gap time by {@code now}, each of them on its own. {@code staleUpTo} drops
   * tags of a lost channel incarnation first. The bookkeeping is updated before each send, so a
   * failing send (a closed channel, whose unacked messages RabbitMQ requeues) is not retried.
   */
  void flush(long staleUpTo, int urgentAt, long now, Sender sender) throws IOException {
    while (size > 0 && tagAt(0) <= staleUpTo) {
      forget(states[head]);
      pop();
    }
    long multiple = -1;
    while (size > 0 && states[head] != UNSETTLED) {
      if (states[head] == ACKED) {
        multiple = tags[head];
        pending--;
      } else {
        done--;
      }
      pop();
    }
    boolean alone = false;
    if (pending == 0) {
      gapTag = -1;
      if (done > 32 && done > size / 2) {
        compact();
      }
    } else {
      if (tagAt(0) != gapTag) {
        gapTag = tagAt(0);
        gapSince = now;
      }
      alone = pending >= urgentAt || now - gapSince >= gapNanos;
    }
    if (multiple >= 0) {
      sender.ack(multiple, true);
    }
    if (alone) {
      ackAlone(sender);
    }
  }

  private void ackAlone(Sender sender) throws IOException {
    long[] alone = new long[pending];
    int n = 0;
    for (int k = 0; k < size; k++) {
      int i = index(k);
      if (states[i] == ACKED) {
        alone[n++] = tags[i];
        states[i] = DONE;
      }
    }
    pending = 0;
    done += n;
    gapTag = -1;
    compact();
    for (int k = 0; k < n; k++) {
      sender.ack(alone[k], false);
    }
  }

  private void forget(byte state) {
    switch (state) {
      case UNSETTLED -> unsettled--;
      case ACKED -> pending--;
      default -> done--;
    }
  }

  private int index(int k) {
    return (head + k) & (tags.length - 1);
  }

  private long tagAt(int k) {
    return tags[index(k)];
  }

  private void pop() {
    head = index(1);
    size--;
  }

  /** Position of {@code tag}, or {@code -(insertion point) - 1}. */
  private int find(long tag) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long t = tagAt(mid);
      if (t < tag) {
        lo = mid + 1;
      } else if (t > tag) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  private void insert(int at, long tag) {
    for (int k = size; k > at; k--) {
      tags[index(k)] = tags[index(k - 1)];
      states[index(k)] = states[index(k - 1)];
    }
    tags[index(at)] = tag;
    states[index(at)] = UNSETTLED;
    size++;
  }

  private void grow() {
    relayout(tags.length * 2, false);
  }

  /** Drops DONE entries, keeping order. */
  private void compact() {
    relayout(tags.length, true);
  }

  private void relayout(int capacity, boolean dropDone) {
    long[] t = new long[capacity];
    byte[] s = new byte[capacity];
    int n = 0;
    for (int k = 0; k < size; k++) {
      int i = index(k);
      if (dropDone && states[i] == DONE) {
        continue;
      }
      t[n] = tags[i];
      s[n++] = states[i];
    }
    if (dropDone) {
      done = 0;
    }
    tags = t;
    states = s;
    head = 0;
    size = n;
  }

  @Override
  public String toString() {
    long[] live = new long[size];
    for (int k = 0; k < size; k++) {
      live[k] = tagAt(k);
    }
    return "AckTracker" + Arrays.toString(live);
  }
}
