package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection loss without touching the shared node: RabbitMQ force-closes this test's own
 * connections ({@code rabbitmqctl close_connection}, filtered by its private vhost), and
 * amqp-client's recovery must bring back publishing, the consumer and its unacked message.
 */
class AmqpRecoveryIT {
  private static RabbitVhost vhost;
  private static AmqpBroker broker;

  @BeforeAll
  static void start() {
    vhost = new RabbitVhost("apium-recovery-it");
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

  private static void killConnections() {
    String list = RabbitVhost.ctl("list_connections", "-q", "--no-table-headers", "pid", "vhost");
    List<String> pids =
        Arrays.stream(list.split("\n"))
            .map(line -> line.split("\t"))
            .filter(cols -> cols.length == 2 && cols[1].trim().equals(vhost.name()))
            .map(cols -> cols[0].trim())
            .toList();
    assertThat(pids).hasSize(2);
    pids.forEach(pid -> RabbitVhost.ctl("close_connection", pid, "apium recovery test"));
  }

  @Test
  void consumerAndPublisherResumeAndUnackedMessageIsRedelivered() {
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of("work"), 2, got::add)) {
      broker.publish("work", WireMessage.json(Map.of("n", 1), Map.of(), new byte[] {'1'}));
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      killConnections();
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  broker.publish("work", WireMessage.json(Map.of("n", 2), Map.of(), new byte[0])));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  got.stream().anyMatch(d -> d.redelivered() && d.message().header("n").equals(1))
                      && got.stream().anyMatch(d -> d.message().header("n").equals(2)));
      got.get(0).ack(); // stale tag from before the recovery: must be a harmless no-op
      got.subList(1, got.size()).forEach(Delivery::ack);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.size("work") == 0);
  }
}
