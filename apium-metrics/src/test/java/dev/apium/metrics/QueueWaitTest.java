package dev.apium.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.listen.TaskInfo;
import dev.apium.protocol.TaskMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where {@link QueueWait} starts counting: the stamped publish, else the receipt; an ETA after. */
class QueueWaitTest {
  private static final long NOW = 1_800_000_000_000L;

  private static TaskInfo task(TaskMessage.Builder message, long receivedMillis) {
    return new TaskInfo(message.build(), "q", "w@h", receivedMillis);
  }

  @Test
  void fromThePublishStampWhenTheMessageCarriesIt() {
    TaskMessage.Builder m =
        TaskMessage.builder("t", "1").header(QueueWait.SENT_AT, QueueWait.stamp(NOW - 2_500));
    assertThat(QueueWait.seconds(task(m, NOW - 100), NOW)).isEqualTo(2.5);
  }

  @Test
  void fromTheReceiptWithoutAStampOrWithAnUnreadableOne() {
    assertThat(QueueWait.seconds(task(TaskMessage.builder("t", "1"), NOW - 750), NOW))
        .isEqualTo(0.75);
    TaskMessage.Builder junk = TaskMessage.builder("t", "1").header(QueueWait.SENT_AT, "soon");
    assertThat(QueueWait.seconds(task(junk, NOW - 750), NOW)).isEqualTo(0.75);
  }

  @Test
  void aStampSentAsTextStillCounts() {
    TaskMessage.Builder m =
        TaskMessage.builder("t", "1").header(QueueWait.SENT_AT, String.valueOf((NOW - 40) / 1e3));
    assertThat(QueueWait.seconds(task(m, NOW), NOW)).isEqualTo(0.04);
  }

  @Test
  void fromTheEtaWhenItIsLater() {
    TaskMessage.Builder m =
        TaskMessage.builder("t", "1")
            .header(QueueWait.SENT_AT, QueueWait.stamp(NOW - 60_000))
            .eta(Instant.ofEpochMilli(NOW - 200));
    assertThat(QueueWait.seconds(task(m, NOW - 59_000), NOW)).isEqualTo(0.2);
  }

  @Test
  void neverNegativeWhenTheClientClockIsAhead() {
    TaskMessage.Builder m =
        TaskMessage.builder("t", "1").header(QueueWait.SENT_AT, QueueWait.stamp(NOW + 5_000));
    assertThat(QueueWait.seconds(task(m, NOW), NOW)).isZero();
  }
}
