package dev.apium.spi;

import java.util.Set;

/**
 * Creates brokers and result backends for the URL schemes it knows. Found at run time through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.apium.spi.TransportFactory}), so
 * core never imports a transport.
 */
public interface TransportFactory {
  /** URL schemes handled, without {@code ://}, e.g. {@code redis}, {@code rediss}. */
  Set<String> schemes();

  /** A broker for the URL, or an {@link IllegalArgumentException} naming what is wrong in it. */
  default Broker createBroker(String url, Settings config) {
    throw new IllegalArgumentException("'" + url + "' names no broker: use it as a result backend");
  }

  /** A result backend for the URL, or an {@link IllegalArgumentException} naming the fault. */
  default ResultBackend createBackend(String url, Settings config) {
    throw new IllegalArgumentException("'" + url + "' names no result backend: use it as a broker");
  }
}
