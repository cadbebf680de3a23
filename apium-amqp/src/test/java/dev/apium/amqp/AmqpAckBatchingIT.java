package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batched (multiple) acks against a real RabbitMQ: never past an unsettled delivery, never lost.
 */
class AmqpAckBatchingIT {
  private static RabbitVhost vhost;
  private static AmqpBroker broker;

  @BeforeAll
  static void start() {
    vhost = new RabbitVhost("apium-acks-it");
    broker = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  private static String publish(int n) {
    String q = "q-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 1; i <= n; i++) {
      broker.publish(q, WireMessage.json(Map.of("n", i), Map.of(), new byte[] {'1'}));
    }
    return q;
  }

  private static Delivery byNumber(List<Delivery> got, int n) {
    return got.stream().filter(d -> d.message().header("n").equals(n)).findFirst().orElseThrow();
  }

  private static String unacked(String q) {
    return vhost.queueLine(q, "messages_ready", "messages_unacknowledged");
  }

  @Test
  void closingTheBrokerReturnsOnlyTheUnsettledLowerDelivery() {
    String q = publish(4);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    AmqpBroker worker = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
    try {
      worker.consume(List.of(q), 100, got::add);
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
      byNumber(got, 2).ack();
      byNumber(got, 4).ack();
      byNumber(got, 3).ack();
    } finally {
      worker.close();
    }
    assertThat(unacked(q)).isEqualTo(q + "\t1\t0");
    List<Delivery> again = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 10, again::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> again.size() == 1);
      assertThat(again.get(0).message().header("n")).isEqualTo(1);
      assertThat(again.get(0).redelivered()).isTrue();
      again.get(0).ack();
    }
  }

  @Test
  void acksBehindALongRunningDeliveryReachRabbitMqWhileItRuns() {
    String q = publish(3);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 100, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
      byNumber(got, 3).ack();
      byNumber(got, 2).ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> unacked(q).equals(q + "\t0\t1"));
      byNumber(got, 1).ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> unacked(q).equals(q + "\t0\t0"));
    }
  }

  @Test
  void aRejectBetweenAcksKeepsItsOwnMeaning() {
    String q = publish(3);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 100, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
      byNumber(got, 1).ack();
      byNumber(got, 2).reject(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
      assertThat(got.get(3).message().header("n")).isEqualTo(2);
      assertThat(got.get(3).redelivered()).isTrue();
      byNumber(got, 3).ack();
      got.get(3).ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> unacked(q).equals(q + "\t0\t0"));
    }
  }

  @Test
  void closingTheSubscriptionWaitsForTheUnsettledDeliveryThenSendsEveryAck() {
    String q = publish(3);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    Subscription s = broker.consume(List.of(q), 100, got::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    byNumber(got, 3).ack();
    s.close();
    byNumber(got, 2).ack();
    byNumber(got, 1).ack();
    await().atMost(Duration.ofSeconds(5)).until(() -> unacked(q).equals(q + "\t0\t0"));
  }
}
