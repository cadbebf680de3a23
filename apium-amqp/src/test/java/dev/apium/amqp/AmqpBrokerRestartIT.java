package dev.apium.amqp;

import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A real broker restart, on a private node so that the shared one is never touched: the durable
 * queue and its unacked persistent message survive, the consumer comes back by itself and gets the
 * message again, marked redelivered, and publishing resumes.
 */
class AmqpBrokerRestartIT {
  @Test
  void consumerAndPublisherSurviveABrokerRestart() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      node.start();
      try (AmqpBroker broker = new AmqpBroker(node.url(), ApiumConfig.of(Map.of()))) {
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(List.of("restart"), 2, got::add)) {
          broker.publish("restart", WireMessage.json(Map.of("n", 1), Map.of(), new byte[] {'1'}));
          await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);

          node.stop();
          node.start();

          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .untilAsserted(
                  () ->
                      broker.publish(
                          "restart", WireMessage.json(Map.of("n", 2), Map.of(), new byte[0])));
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      got.stream()
                              .anyMatch(d -> d.redelivered() && d.message().header("n").equals(1))
                          && got.stream().anyMatch(d -> d.message().header("n").equals(2)));
          got.forEach(Delivery::ack);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.size("restart") == 0);
      }
    }
  }
}
