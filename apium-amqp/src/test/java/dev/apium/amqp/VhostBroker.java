package dev.apium.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.apium.ApiumConfig;
import java.util.Map;
import java.util.UUID;

/**
 * A test class's own RabbitMQ world: a throwaway vhost, an {@link AmqpBroker} on it, and a raw
 * client connection for looking behind the broker's back. Opened in {@code @BeforeAll}, closed in
 * {@code @AfterAll}, from the test thread.
 */
final class VhostBroker implements AutoCloseable {
  final RabbitVhost vhost;
  final AmqpBroker broker;
  final Connection raw;

  VhostBroker(String prefix) throws Exception {
    vhost = new RabbitVhost(prefix);
    AmqpBroker opened = null;
    try {
      opened = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost("127.0.0.1");
      factory.setVirtualHost(vhost.name());
      raw = factory.newConnection(prefix + " inspector");
    } catch (Exception e) {
      if (opened != null) {
        opened.close();
      }
      vhost.close();
      throw e;
    }
    broker = opened;
  }

  /** A fresh queue name. */
  static String queue() {
    return "q-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() throws Exception {
    try {
      raw.close();
    } finally {
      try {
        broker.close();
      } finally {
        vhost.close();
      }
    }
  }
}
