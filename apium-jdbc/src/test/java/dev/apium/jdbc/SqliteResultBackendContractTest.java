package dev.apium.jdbc;

import dev.apium.ApiumConfig;
import dev.apium.spi.ResultBackend;
import dev.apium.testing.ResultBackendContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The shared result backend contract against a fresh SQLite file per test. */
class SqliteResultBackendContractTest extends ResultBackendContract {
  @TempDir Path dir;

  @Override
  protected ResultBackend newBackend() {
    return new JdbcTransportFactory()
        .createBackend("sqlite:" + dir.resolve("contract.db"), ApiumConfig.of(Map.of()));
  }
}
