package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StopWaits} without a broker: a call that answers, one that outlasts the bound (RabbitMQ
 * hung), and an interrupted stop, which must not be taken for a hung RabbitMQ.
 */
class StopWaitsTest {
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseHeldCalls() {
    release.countDown();
    Thread.interrupted(); // the interrupted-stop test leaves the flag for the JUnit thread
  }

  @Test
  void aCallThatAnswersInTimeIsWaitedFor() {
    StopWaits waits = new StopWaits();
    CountDownLatch ran = new CountDownLatch(1);

    assertThat(waits.within("cancel", ran::countDown)).isTrue();
    assertThat(ran.getCount()).isZero();
    assertThat(waits.unanswered()).isFalse();
  }

  @Test
  void aCallThatOutlastsTheBoundMarksRabbitUnansweredAndLaterCallsAreNotWaitedFor()
      throws InterruptedException {
    StopWaits waits = new StopWaits();

    assertThat(waits.within("cancel", this::holdUntilReleased)).isFalse();
    assertThat(waits.unanswered()).isTrue();

    CountDownLatch laterRan = new CountDownLatch(1);
    assertThat(waits.within("channel close", laterRan::countDown)).isFalse();
    assertThat(laterRan.await(10, TimeUnit.SECONDS)).as("the later call still runs").isTrue();
  }

  @Test
  void onlyTheLateAnswerOfTheCallThatOutlastedTheBoundClearsTheMark() {
    StopWaits waits = new StopWaits();
    assertThat(waits.within("cancel", this::holdUntilReleased)).isFalse();

    // A call that needs no answer (a close of a channel already closed) ends at once: it runs on
    // a thread of its own, and its end must not be taken for RabbitMQ answering.
    CountDownLatch noOpRan = new CountDownLatch(1);
    assertThat(waits.within("channel close", noOpRan::countDown)).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> noOpRan.getCount() == 0);
    assertThat(waits.unanswered()).as("still unanswered after a local no-op").isTrue();

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("the hung call's late answer")
        .until(() -> !waits.unanswered());
  }

  @Test
  void anInterruptedStopIsNotTakenForAHungRabbit() throws InterruptedException {
    StopWaits waits = new StopWaits();
    CountDownLatch finished = new CountDownLatch(1);

    Thread.currentThread().interrupt();
    boolean inTime =
        waits.within(
            "cancel",
            () -> {
              holdUntilReleased();
              finished.countDown();
            });

    assertThat(inTime).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    assertThat(waits.unanswered()).isFalse();
    Thread.interrupted();
    release.countDown();
    assertThat(finished.await(10, TimeUnit.SECONDS)).as("the call itself goes on").isTrue();
  }

  private void holdUntilReleased() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
