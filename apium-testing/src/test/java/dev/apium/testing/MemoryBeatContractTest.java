package dev.apium.testing;

import java.util.UUID;

/** Runs the beat contract on {@code memory://<name>}, one name per test. */
class MemoryBeatContractTest extends BeatContract {
  private final String url = "memory://beat-" + UUID.randomUUID();

  @Override
  protected String brokerUrl() {
    return url;
  }

  @Override
  protected String backendUrl() {
    return url;
  }
}
