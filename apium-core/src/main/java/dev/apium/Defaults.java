package dev.apium;

import dev.apium.spi.Transports;
import java.nio.file.Path;

/**
 * What Apium uses when nothing is configured: the embedded SQLite file {@code ./.apium/apium.db} as
 * broker and result backend, so a first run needs no server. A broker URL without a backend gets
 * the same URL as backend where that transport has one.
 */
final class Defaults {
  static final String BROKER = "sqlite:" + Path.of(".apium", "apium.db");

  private Defaults() {}

  static String backendFor(String brokerUrl) {
    String scheme = Transports.scheme(brokerUrl);
    return switch (scheme) {
      case "amqp", "amqps", "pyamqp" -> "rpc://";
      default -> brokerUrl;
    };
  }
}
