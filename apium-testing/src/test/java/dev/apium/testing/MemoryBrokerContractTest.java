package dev.apium.testing;

import dev.apium.memory.MemoryBroker;
import dev.apium.spi.Broker;
import java.util.UUID;

/** Runs the broker contract against {@code memory://<name>}, one name per test. */
class MemoryBrokerContractTest extends BrokerContract {
  private final String name = "contract-" + UUID.randomUUID();

  @Override
  protected Broker newBroker() {
    return new MemoryBroker(name);
  }
}
