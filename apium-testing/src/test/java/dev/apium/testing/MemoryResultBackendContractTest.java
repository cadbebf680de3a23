package dev.apium.testing;

import dev.apium.memory.MemoryResultBackend;
import dev.apium.spi.ResultBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** Runs the result backend contract against {@code memory://<name>}, one name per test. */
class MemoryResultBackendContractTest extends ResultBackendContract {
  private final String name = "contract-" + UUID.randomUUID();

  @Override
  protected ResultBackend newBackend() {
    return new MemoryResultBackend(name, Duration.ofDays(1), Clock.systemUTC());
  }
}
