package dev.apium.redis;

import dev.apium.testing.BeatContract;

/**
 * Runs the beat contract on Redis db 15 (the beat tests' own db): three beats sharing one Redis
 * fire every run once through a leader crash; each test has its own queue and schedule name.
 */
class RedisBeatContractIT extends BeatContract {
  static final String URL = "redis://127.0.0.1:6379/15";

  @Override
  protected String brokerUrl() {
    return URL;
  }

  @Override
  protected String backendUrl() {
    return URL;
  }
}
