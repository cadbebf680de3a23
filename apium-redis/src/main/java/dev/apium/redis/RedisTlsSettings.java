package dev.apium.redis;

import dev.apium.spi.Settings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Celery's settings form of Redis TLS, turned into the URL parameters {@link RedisTls} and {@link
 * RedisConnector} read: the {@code broker_use_ssl} and {@code redis_backend_use_ssl} dictionaries,
 * flattened as every dictionary setting is ({@code broker_use_ssl.ssl_ca_certs=/ca.pem}), and for
 * the broker also Apium's {@code broker_ssl_ca_certs} / {@code broker_ssl_certfile} / {@code
 * broker_ssl_keyfile}, the names the RabbitMQ transport reads. A parameter already in the URL wins;
 * a {@code redis://} URL becomes {@code rediss://} when any is set, as kombu turns TLS on for a
 * {@code broker_use_ssl} dictionary. Stateless; called once per connector.
 */
final class RedisTlsSettings {
  /** Celery's keys of the Redis TLS dictionaries, which are also the URL parameter names. */
  private static final List<String> KEYS =
      List.of("ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs");

  /** The broker's dictionary. */
  static final String BROKER = "broker_use_ssl";

  /** The result backend's dictionary. */
  static final String BACKEND = "redis_backend_use_ssl";

  private RedisTlsSettings() {}

  /**
   * @param url a Redis URL as configured
   * @param dictionary {@link #BROKER} or {@link #BACKEND}
   * @return the URL carrying every TLS option the settings give (unchanged when they give none)
   */
  static String apply(String url, Settings config, String dictionary) {
    String scheme = url.toLowerCase(Locale.ROOT);
    if (!scheme.startsWith("redis://") && !scheme.startsWith("rediss://")) {
      return url;
    }
    StringBuilder added = new StringBuilder();
    for (String key : KEYS) {
      String value = value(config, dictionary, key);
      if (value == null
          || value.isBlank()
          || url.contains("?" + key + "=")
          || url.contains("&" + key + "=")) {
        continue;
      }
      added.append(added.isEmpty() && !url.contains("?") ? '?' : '&');
      added.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    if (added.isEmpty()) {
      return url;
    }
    String secure = scheme.startsWith("redis://") ? "rediss://" + url.substring(8) : url;
    return secure + added;
  }

  private static String value(Settings config, String dictionary, String key) {
    String value = config.get(dictionary + "." + key);
    if (value == null && dictionary.equals(BROKER) && !key.equals("ssl_cert_reqs")) {
      value = config.get("broker_" + key);
    }
    return value;
  }
}
