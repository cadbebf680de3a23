package dev.apium.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The machine's short host name, for nodenames such as {@code apium@host}. Stateless. Internal
 * plumbing of Apium, not API: it may change in any release.
 */
public final class Hosts {
  private static final String NAME = lookup();

  private Hosts() {}

  public static String name() {
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
