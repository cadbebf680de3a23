package dev.apium.jdbc;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The worker scenarios with PostgreSQL as broker and backend, in a schema of its own. */
class PostgresWorkerIT extends WorkerScenarios {
  private static final String SCHEMA = PgTestSchema.fresh("worker");

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
