package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Transports;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpConnectIT {
  private static final ApiumConfig CONFIG = ApiumConfig.of(Map.of());

  @Test
  void unreachableBrokerNamesHostAndPort() {
    assertThatThrownBy(() -> new AmqpBroker("amqp://guest:guest@127.0.0.1:1//", CONFIG))
        .isInstanceOf(BrokerException.class)
        .hasMessageStartingWith("cannot connect to RabbitMQ at 127.0.0.1:1: ")
        .hasMessageContaining("check broker_url");
  }

  @Test
  void wrongPasswordNamesUserAndVhost() {
    assertThatThrownBy(() -> new AmqpBroker("amqp://guest:wrong@127.0.0.1:5672//", CONFIG))
        .isInstanceOf(BrokerException.class)
        .hasMessage("RabbitMQ refused user 'guest' on vhost '/': check broker_url credentials");
  }

  @Test
  void missingVhostIsNamed() {
    assertThatThrownBy(() -> new AmqpBroker("amqp://guest:guest@127.0.0.1:5672/nope-apium", CONFIG))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("vhost 'nope-apium'")
        .hasMessageContaining("set_permissions");
  }

  @Test
  void celerysDefaultUrlFormReachesTheRootVhost() {
    try (AmqpBroker broker = new AmqpBroker("amqp://guest:guest@localhost:5672//", CONFIG)) {
      assertThat(broker.size("apium-no-such-queue-" + System.nanoTime())).isZero();
    }
  }

  @Test
  void factoryFindsBrokerByScheme() {
    try (Broker broker = Transports.broker("pyamqp://guest:guest@127.0.0.1:5672//", CONFIG)) {
      assertThat(broker).isInstanceOf(AmqpBroker.class);
      assertThat(broker.describe()).isEqualTo("pyamqp://guest:***@127.0.0.1:5672//");
    }
    assertThatThrownBy(() -> Transports.broker("rpc://", CONFIG))
        .hasMessageContaining("not a broker");
    assertThatThrownBy(() -> Transports.backend("rpc://", CONFIG.with("broker_url", "redis://x")))
        .hasMessageContaining("broker_url");
  }
}
