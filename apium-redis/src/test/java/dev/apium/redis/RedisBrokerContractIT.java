package dev.apium.redis;

import dev.apium.spi.Broker;
import dev.apium.testing.BrokerContract;

/**
 * The broker contract against the shared Redis, db 14, with one {@code global_keyprefix} per test
 * so the unacked bookkeeping of parallel tests never mixes.
 */
class RedisBrokerContractIT extends BrokerContract {
  private final String prefix = RedisTestSupport.unique("contract") + ":";

  @Override
  protected Broker newBroker() {
    return new RedisBroker("redis://127.0.0.1:6379/14", RedisTestSupport.config(prefix, 3600));
  }

  @Override
  protected boolean requeuesToFront() {
    return false;
  }
}
