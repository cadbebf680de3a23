package dev.apium.amqp;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.testing.BrokerContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract against the shared RabbitMQ, in a vhost of its own, with priorities on. */
class AmqpBrokerContractIT extends BrokerContract {
  private static RabbitVhost vhost;

  @BeforeAll
  static void createVhost() {
    vhost = new RabbitVhost("apium-contract-it");
  }

  @AfterAll
  static void deleteVhost() {
    if (vhost != null) {
      vhost.close();
    }
  }

  @Override
  protected Broker newBroker() {
    return new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of("task_queue_max_priority", "9")));
  }

  @Override
  protected int urgentPriority() {
    return 9;
  }

  @Override
  protected int relaxedPriority() {
    return 0;
  }
}
