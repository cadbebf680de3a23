package dev.apium.jdbc;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The worker scenarios with SQLite as broker and backend (one file). */
class SqliteWorkerTest extends WorkerScenarios {
  @TempDir Path dir;

  @Override
  String url() {
    return "sqlite:" + dir.resolve("apium.db");
  }

  @Override
  Map<String, String> settings() {
    return Map.of();
  }
}
