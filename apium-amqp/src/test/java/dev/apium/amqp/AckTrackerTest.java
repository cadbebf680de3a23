package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
  /** The acks sent, as "tag" or "tag+" (multiple). */
  private final List<String> sent = new ArrayList<>();

  private final AckTracker.Sender sender = (tag, multiple) -> sent.add(tag + (multiple ? "+" : ""));

  private static AckTracker delivered(long... tags) {
    AckTracker t = new AckTracker(10);
    for (long tag : tags) {
      t.delivered(tag);
    }
    return t;
  }

  @Test
  void aSettledRunLeavesAsOneMultipleAck() throws Exception {
    AckTracker t = delivered(1, 2, 3, 4);
    t.acked(2);
    t.acked(1);
    t.acked(3);
    t.flush(0, 64, 0, sender);
    assertThat(sent).containsExactly("3+");
    assertThat(t.pending()).isZero();
    assertThat(t.unsettled()).isEqualTo(1);
  }

  @Test
  void anAckBehindAnUnsettledTagWaitsTheGapTimeThenGoesAlone() throws Exception {
    AckTracker t = delivered(1, 2, 3);
    t.acked(2);
    t.flush(0, 64, 100, sender);
    t.acked(3);
    t.flush(0, 64, 109, sender);
    assertThat(sent).isEmpty();
    t.flush(0, 64, 110, sender);
    assertThat(sent).containsExactly("2", "3");
    t.acked(1);
    t.flush(0, 64, 111, sender);
    assertThat(sent).containsExactly("2", "3", "1+");
  }

  @Test
  void tooManyWaitingAcksGoAloneAtOnce() throws Exception {
    AckTracker t = delivered(1, 2, 3, 4);
    t.acked(3);
    t.acked(4);
    t.flush(0, 2, 0, sender);
    assertThat(sent).containsExactly("3", "4");
  }

  @Test
  void aMultipleAckPassesOverARejectedTag() throws Exception {
    AckTracker t = delivered(1, 2, 3);
    t.removed(2);
    t.acked(1);
    t.acked(3);
    t.flush(0, 64, 0, sender);
    assertThat(sent).containsExactly("3+");
  }

  @Test
  void staleTagsOfALostChannelAreDroppedWithoutAnAck() throws Exception {
    AckTracker t = delivered(1, 2, 3);
    t.acked(2);
    t.delivered(4);
    t.flush(3, 64, 0, sender);
    assertThat(sent).isEmpty();
    assertThat(t.acked(1)).isFalse();
    assertThat(t.acked(4)).isTrue();
    t.flush(3, 64, 0, sender);
    assertThat(sent).containsExactly("4+");
  }

  @Test
  void aLateLowerTagIsKeptInOrder() throws Exception {
    AckTracker t = delivered(5, 6);
    t.delivered(3);
    t.acked(5);
    t.acked(6);
    t.flush(0, 64, 0, sender);
    assertThat(sent).isEmpty();
    t.acked(3);
    t.flush(0, 64, 0, sender);
    assertThat(sent).containsExactly("6+");
  }

  /**
   * Random deliveries, settlements and flushes against a model of RabbitMQ's unacked set: an ack
   * must name an unacked tag, a multiple ack must not cover a tag the handler has not acked, and
   * after the final flush exactly the unsettled tags are still unacked.
   */
  @Test
  void neverAcksAnUnsettledTagAndLosesNoAck() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      AckTracker t = new AckTracker(10);
      TreeMap<Long, Boolean> server = new TreeMap<>(); // unacked tag -> handler acked it
      List<Long> held = new ArrayList<>();
      AckTracker.Sender check =
          (tag, multiple) -> {
            assertThat(server).containsKey(tag);
            var covered =
                multiple ? server.headMap(tag, true) : server.subMap(tag, true, tag, true);
            assertThat(covered.values())
                .as("acks %s covering %s", tag, covered)
                .doesNotContain(false);
            covered.clear();
          };
      long next = 1;
      for (int step = 0; step < 400; step++) {
        int op = random.nextInt(10);
        if (op < 4 || held.isEmpty()) {
          t.delivered(next);
          server.put(next, false);
          held.add(next++);
        } else if (op < 8) {
          long tag = held.remove(random.nextInt(held.size()));
          if (random.nextInt(10) == 0) {
            server.remove(tag); // rejected: the frame goes out at once
            t.removed(tag);
          } else {
            server.put(tag, true);
            assertThat(t.acked(tag)).isTrue();
          }
        } else {
          t.flush(0, 1 + random.nextInt(20), step, check);
        }
      }
      t.flush(0, 1, 1000, check);
      assertThat(server.keySet()).containsExactlyInAnyOrderElementsOf(held);
      assertThat(t.pending()).isZero();
      assertThat(t.unsettled()).isEqualTo(held.size());
    }
  }
}
