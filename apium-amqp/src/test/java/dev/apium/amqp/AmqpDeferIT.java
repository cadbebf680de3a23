package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ETA parking through the delay ladder, and priorities with {@code task_queue_max_priority}. */
class AmqpDeferIT {
  private static RabbitVhost vhost;
  private static AmqpBroker broker;

  @BeforeAll
  static void start() {
    vhost = new RabbitVhost("apium-defer-it");
    broker = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of("task_queue_max_priority", "10")));
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

  @Test
  void deferredMessageComesBackOnceAfterItsEta() {
    Instant now = Instant.now();
    TaskMessage task =
        TaskMessage.builder("spec.add", "8a1b3c2d-0000-4000-8000-000000000001")
            .args(CeleryJson.array().add(1))
            .eta(now.plusSeconds(3))
            .expires(now.plusSeconds(600))
            .priority(3)
            .build();
    WireMessage sent = TaskMessageCodec.encode(task, now);
    broker.publish("eta", sent);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    List<Instant> at = new CopyOnWriteArrayList<>();
    try (Subscription s =
        broker.consume(
            List.of("eta"),
            4,
            d -> {
              got.add(d);
              at.add(Instant.now());
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      Instant eta = now.plusSeconds(3);
      assertThat(got.get(0).deferUntil(eta)).isTrue();
      assertThat(broker.size("eta")).isZero();
      await().atMost(Duration.ofSeconds(8)).until(() -> got.size() == 2);
      assertThat(at.get(1)).isAfterOrEqualTo(eta.minusMillis(50));
      assertThat(Duration.between(eta, at.get(1))).isLessThan(Duration.ofMillis(2500));
      Delivery back = got.get(1);
      assertThat(back.queue()).isEqualTo("eta");
      assertThat(back.exchange()).isEmpty();
      assertThat(back.routingKey()).isEqualTo("eta");
      assertThat(back.message().headers()).isEqualTo(sent.headers());
      assertThat(back.message().body()).isEqualTo(sent.body());
      assertThat(back.message().properties())
          .containsEntry("priority", 3)
          .containsEntry("correlation_id", task.id())
          .doesNotContainKey("expiration");
      assertThat(TaskMessageCodec.decode(back.message()).id()).isEqualTo(task.id());
      back.ack();
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(2))
          .until(() -> got.size() == 2);
    }
    assertThat(broker.size("eta")).isZero();
  }

  @Test
  void pastEtaIsNotParked() {
    broker.publish("eta-past", WireMessage.json(Map.of(), Map.of(), new byte[] {'1'}));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of("eta-past"), 1, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      assertThat(got.get(0).deferUntil(Instant.now().minusSeconds(1))).isFalse();
      got.get(0).ack();
    }
  }

  @Test
  void maxPriorityQueueDeliversHighestFirst() {
    broker.declareQueue("prio");
    assertThat(vhost.queueLine("prio", "arguments")).contains("x-max-priority").contains("10");
    for (int p : new int[] {1, 9, 5}) {
      broker.publish("prio", WireMessage.json(Map.of("p", p), Map.of("priority", p), new byte[0]));
    }
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s =
        broker.consume(
            List.of("prio"),
            1,
            d -> {
              got.add(d);
              d.ack();
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    }
    assertThat(got).extracting(d -> d.message().header("p")).containsExactly(9, 5, 1);
  }
}
