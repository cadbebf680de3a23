package dev.apium.jdbc;

import dev.apium.testing.BeatContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The beat contract on PostgreSQL (broker and backend), in a schema of its own dropped after. */
class PostgresBeatContractIT extends BeatContract {
  private static final String SCHEMA = PgTestSchema.fresh("beat_contract");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Override
  protected String brokerUrl() {
    return PgTestSchema.URL;
  }

  @Override
  protected String backendUrl() {
    return PgTestSchema.URL;
  }

  @Override
  protected Map<String, String> settings() {
    return Map.of("jdbc_schema", SCHEMA);
  }
}
