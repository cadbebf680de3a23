package dev.apium.jdbc;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The result backend scenarios on PostgreSQL, in a schema of its own dropped afterwards. */
class PostgresResultBackendIT extends BackendScenarios {
  private static final String SCHEMA = PgTestSchema.fresh("backend");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Override
  String url() {
    return PgTestSchema.URL;
  }

  @Override
  Map<String, String> settings() {
    return Map.of("jdbc_schema", SCHEMA);
  }
}
