package dev.apium.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the {@link TransportFactory} for a URL's scheme through {@link ServiceLoader}, and gives
 * the transports the URL helpers they share ({@link #scheme}, {@link #mask}). Stateless; called
 * when an app is built and when a transport parses its URL.
 */
public final class Transports {
  private Transports() {}

  public static Broker broker(String url, Settings config) {
    return factory(url, "broker").createBroker(url, config);
  }

  public static ResultBackend backend(String url, Settings config) {
    return factory(url, "result backend").createBackend(url, config);
  }

  /**
   * The scheme of a URL: {@code redis} for {@code redis://h:1/0}, {@code sqlite} for {@code
   * sqlite:x}.
   */
  public static String scheme(String url) {
    int colon = url == null ? -1 : url.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "'"
              + url
              + "' is not a transport URL: write it as scheme://..., e.g. redis://localhost:6379/0");
    }
    return url.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  private static TransportFactory factory(String url, String role) {
    String scheme = scheme(url);
    List<String> known = new ArrayList<>();
    for (TransportFactory factory : ServiceLoader.load(TransportFactory.class)) {
      if (factory.schemes().contains(scheme)) {
        return factory;
      }
      known.addAll(factory.schemes());
    }
    throw new IllegalArgumentException(
        "no "
            + role
            + " transport for scheme '"
            + scheme
            + "' in '"
            + mask(url)
            + "': known schemes are "
            + new TreeSet<>(known)
            + "; add the module that provides it (apium-redis, apium-amqp, apium-jdbc) to the"
            + " classpath");
  }

  /** The URL with its password replaced by {@code ***}, for logs and banners. */
  public static String mask(String url) {
    return url == null ? null : url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }
}
