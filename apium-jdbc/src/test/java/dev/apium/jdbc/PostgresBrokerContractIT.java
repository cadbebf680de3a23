package dev.apium.jdbc;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.testing.BrokerContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The shared broker contract on PostgreSQL, in a schema of its own dropped afterwards. */
class PostgresBrokerContractIT extends BrokerContract {
  private static final String SCHEMA = PgTestSchema.fresh("broker_contract");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Override
  protected Broker newBroker() {
    return new JdbcTransportFactory()
        .createBroker(PgTestSchema.URL, ApiumConfig.of(Map.of("jdbc_schema", SCHEMA)));
  }

  @Override
  protected int messagesPerProducer() {
    return 500;
  }
}
