package dev.apium.jdbc;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.testing.BrokerContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The shared broker contract against a fresh SQLite file per test. */
class SqliteBrokerContractTest extends BrokerContract {
  @TempDir Path dir;

  @Override
  protected Broker newBroker() {
    return new JdbcTransportFactory()
        .createBroker("sqlite:" + dir.resolve("contract.db"), ApiumConfig.of(Map.of()));
  }

  @Override
  protected int messagesPerProducer() {
    return 1_250;
  }
}
