package dev.apium.memory;

import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import dev.apium.spi.TransportFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Creates {@code memory://} and {@code memory://<name>} brokers and result backends; found by
 * {@link java.util.ServiceLoader}. Stateless: the state lives in the per-name registries of {@link
 * MemoryBroker} and {@link MemoryResultBackend}, so two calls with the same URL share queues and
 * results.
 */
public final class MemoryTransportFactory implements TransportFactory {

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public Broker createBroker(String url, Settings config) {
    return new MemoryBroker(nameOf(url));
  }

  @Override
  public ResultBackend createBackend(String url, Settings config) {
    Duration expires = config.getSeconds(Settings.RESULT_EXPIRES, Duration.ofDays(1));
    return new MemoryResultBackend(nameOf(url), expires, Clock.systemUTC());
  }

  /** {@code memory://} is the name {@code ""}, {@code memory://tests/} the name {@code tests}. */
  static String nameOf(String url) {
    if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("memory:")) {
      throw new IllegalArgumentException(
          "'" + url + "' is not a memory URL: write memory:// or memory://<name>");
    }
    String rest = url.substring("memory:".length());
    rest = rest.startsWith("//") ? rest.substring(2) : rest;
    int query = rest.indexOf('?');
    rest = query >= 0 ? rest.substring(0, query) : rest;
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return rest;
  }
}
