package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

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
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger outages = (Logger) LoggerFactory.getLogger(AmqpOutageLog.class);
    Level level = outages.getLevel();
    outages.setLevel(Level.INFO);
    outages.addAppender(logs);
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
    // Each loss and each recovery is one line (rabbitmqctl closes the two connections one after
    // the other, so the log may tell of one outage or of two); the last recovery is reported once
    // its listeners ran, which may be after traffic resumed.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<String> lines = lines(logs);
              return !lines.isEmpty() && lines.get(lines.size() - 1).startsWith("INFO");
            });
    outages.detachAppender(logs);
    outages.setLevel(level);
    List<String> lines = lines(logs);
    assertThat(lines).hasSizeBetween(2, 4);
    for (int i = 0; i < lines.size(); i += 2) {
      assertThat(lines.get(i))
          .startsWith("WARN lost RabbitMQ at 127.0.0.1:5672 (")
          .contains("CONNECTION_FORCED");
      assertThat(lines.get(i + 1)).isEqualTo("INFO reconnected to RabbitMQ at 127.0.0.1:5672");
    }
  }

  private static List<String> lines(ListAppender<ILoggingEvent> logs) {
    return List.copyOf(logs.list).stream()
        .map(e -> e.getLevel() + " " + e.getFormattedMessage())
        .toList();
  }
}
