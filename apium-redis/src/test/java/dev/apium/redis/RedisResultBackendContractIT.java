package dev.apium.redis;

import dev.apium.ApiumConfig;
import dev.apium.spi.ResultBackend;
import dev.apium.testing.ResultBackendContract;
import java.util.Map;

/** The result backend contract against the shared Redis, db 15 (ids are random per test). */
class RedisResultBackendContractIT extends ResultBackendContract {
  @Override
  protected ResultBackend newBackend() {
    return new RedisResultBackend("redis://127.0.0.1:6379/15", ApiumConfig.of(Map.of()));
  }
}
