package dev.apium.redis;

import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import dev.apium.spi.TransportFactory;
import java.util.Set;

/**
 * Creates {@link RedisBroker}s and {@link RedisResultBackend}s for {@code redis://} and {@code
 * rediss://} URLs, and kombu's {@code sentinel://} URLs; found by {@link java.util.ServiceLoader}.
 * Stateless.
 */
public final class RedisTransportFactory implements TransportFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss", "sentinel");
  }

  @Override
  public Broker createBroker(String url, Settings config) {
    return new RedisBroker(url, config);
  }

  @Override
  public ResultBackend createBackend(String url, Settings config) {
    return new RedisResultBackend(url, config);
  }
}
