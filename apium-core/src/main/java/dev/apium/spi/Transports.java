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
              + mask(url)
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

  /**
   * The URL with its password replaced by {@code ***}, for logs, banners and errors, however
   * malformed: a {@code password=}-like query parameter hides everything after it; then everything
   * between the scheme and the last {@code @} is user information (a raw {@code /}, {@code :} or
   * {@code @} in a password stays inside it), and its part after the first {@code :}, or all of it
   * when there is no {@code :} (Redis reads a lone user information as the password), becomes
   * {@code ***}.
   */
  public static String mask(String url) {
    if (url == null) {
      return null;
    }
    java.util.regex.Matcher query =
        java.util.regex.Pattern.compile(
                "(?i)[?&;#](?:password|passwd|pass|pwd|secret|token|sasl_password"
                    + "|ssl_keyfile_password)=")
            .matcher(url);
    String head = query.find() ? url.substring(0, query.end()) : url;
    String tail = head.length() < url.length() ? "***" : "";
    int scheme = head.indexOf("://");
    int start = scheme >= 0 ? scheme + 3 : 0;
    int at = head.lastIndexOf('@');
    if (at >= start) {
      String userinfo = head.substring(start, at);
      int colon = userinfo.indexOf(':');
      String kept = colon >= 0 ? userinfo.substring(0, colon) + ":***" : "***";
      head = head.substring(0, start) + kept + head.substring(at);
    }
    return head + tail;
  }
}
