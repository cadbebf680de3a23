package dev.apium.jdbc;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The result backend scenarios on a fresh SQLite file per test. */
class SqliteResultBackendTest extends BackendScenarios {
  @TempDir Path dir;

  @Override
  String url() {
    return "sqlite:" + dir.resolve("results.db");
  }

  @Override
  Map<String, String> settings() {
    return Map.of();
  }
}
