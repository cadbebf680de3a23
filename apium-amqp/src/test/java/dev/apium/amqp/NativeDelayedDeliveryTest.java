package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Golden values of kombu's native delayed delivery (kombu 5.5+, as a 5.6.3 client sends). */
class NativeDelayedDeliveryTest {
  @Test
  void routingKeyIsKombusCalculateRoutingKey() {
    // '.'.join(list(f'{6:028b}')) + '.a.b', evaluated by Python
    assertThat(NativeDelayedDelivery.routingKey(6, "a.b"))
        .isEqualTo("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.1.0.a.b");
    assertThat(NativeDelayedDelivery.entry()).isEqualTo("celery_delayed_27");
  }

  @Test
  void ladderQueueArgumentsAreKombus() {
    NativeDelayedDelivery quorum = new NativeDelayedDelivery(null, "quorum");
    assertThat(quorum.arguments(27).toString())
        .isEqualTo(
            "{x-queue-type=quorum, x-overflow=reject-publish, x-message-ttl=134217728000,"
                + " x-dead-letter-exchange=celery_delayed_26,"
                + " x-dead-letter-strategy=at-least-once}");
    assertThat(quorum.arguments(0).get("x-dead-letter-exchange"))
        .isEqualTo("celery_delayed_delivery");
    assertThat(new NativeDelayedDelivery(null, "classic").arguments(3))
        .doesNotContainKey("x-dead-letter-strategy")
        .containsEntry("x-message-ttl", 8000L);
  }

  @Test
  void countdownIsCelerysWholeSecondsToTheEta() {
    Instant now = Instant.parse("2026-12-04T15:00:00Z");
    assertThat(AmqpBroker.countdown("2026-12-04T15:00:06.900000+00:00", now)).isEqualTo(6);
    assertThat(AmqpBroker.countdown("2026-12-04T16:00:06+01:00", now)).isEqualTo(6);
    assertThat(AmqpBroker.countdown("2026-12-04T15:00:00.500000+00:00", now)).isZero();
    assertThat(AmqpBroker.countdown(null, now)).isZero();
    assertThat(AmqpBroker.countdown("not a date", now)).isZero();
  }
}
