package dev.apium;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The machine's short host name, for nodenames such as {@code apium@host}. Stateless. */
final class Hosts {
  private static final String NAME = lookup();

  private Hosts() {}

  static String name() {
    return NAME;
  }

  private static String lookup() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      String host = InetAddress.getLocalHost().getHostName();
      int dot = host.indexOf('.');
      return dot > 0 ? host.substring(0, dot) : host;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
