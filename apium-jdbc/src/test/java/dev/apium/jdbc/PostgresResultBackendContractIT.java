package dev.apium.jdbc;

import dev.apium.ApiumConfig;
import dev.apium.spi.ResultBackend;
import dev.apium.testing.ResultBackendContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The shared result backend contract on PostgreSQL, in a schema of its own dropped afterwards. */
class PostgresResultBackendContractIT extends ResultBackendContract {
  private static final String SCHEMA = PgTestSchema.fresh("backend_contract");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Override
  protected ResultBackend newBackend() {
    return new JdbcTransportFactory()
        .createBackend(PgTestSchema.URL, ApiumConfig.of(Map.of("jdbc_schema", SCHEMA)));
  }
}
