package dev.apium.jdbc;

import dev.apium.testing.BeatContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The beat contract on one SQLite file shared by every beat of a test (broker and backend). */
class SqliteBeatContractTest extends BeatContract {
  @TempDir Path dir;

  @Override
  protected String brokerUrl() {
    return "sqlite:" + dir.resolve("beat.db");
  }

  @Override
  protected String backendUrl() {
    return brokerUrl();
  }
}
