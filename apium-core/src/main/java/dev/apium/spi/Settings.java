package dev.apium.spi;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The read view of an app's settings that a transport gets ({@link TransportFactory}): values under
 * Celery's names, read as text, whole numbers, booleans or seconds; a malformed value is an {@link
 * IllegalArgumentException} naming the setting. {@code dev.apium.ApiumConfig} implements it; a
 * transport never needs the app package. Implementations are immutable and thread-safe.
 */
public interface Settings {
  /** The broker URL, also handed to a result backend that shares the broker's connection. */
  String BROKER_URL = "broker_url";

  String RESULT_BACKEND = "result_backend";

  /** Seconds a stored result is kept. */
  String RESULT_EXPIRES = "result_expires";

  /** Seconds an unacknowledged message stays invisible before the broker redelivers it. */
  String VISIBILITY_TIMEOUT = "visibility_timeout";

  /**
   * Apium's own: seconds after which an Apium worker that stopped refreshing its liveness record
   * (killed, frozen, cut off) is presumed dead, and the messages it held are given back to their
   * queues by any live Apium worker (Redis, SQLite, PostgreSQL; default 30).
   */
  String WORKER_LOST_TIMEOUT = "worker_lost_timeout";

  /** Apium's own: how many dead letters a broker keeps at most, newest first (default 10000). */
  String DEAD_LETTER_MAX = "dead_letter_max";

  /** Apium's own: seconds a dead letter is kept (default 604800, a week). */
  String DEAD_LETTER_TTL = "dead_letter_ttl";

  /** The value, or null when it is not set. */
  String get(String key);

  /**
   * Every value that is set, by name: for settings read by prefix ({@code task_queues.<q>.*}).
   * Empty for a view that cannot list its values.
   */
  default Map<String, String> asMap() {
    return Map.of();
  }

  /** Settings read from a fixed map (tests, tools). */
  static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new Settings() {
      @Override
      public String get(String key) {
        return copy.get(key);
      }

      @Override
      public Map<String, String> asMap() {
        return copy;
      }
    };
  }

  default String get(String key, String fallback) {
    String value = get(key);
    return value == null ? fallback : value;
  }

  default int getInt(String key, int fallback) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting " + key + "='" + value + "' is not a whole number", e);
    }
  }

  default boolean getBoolean(String key, boolean fallback) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "setting " + key + "='" + value + "' is not a boolean: use true or false");
    };
  }

  /** A duration given in (possibly fractional) seconds, as Celery's settings are. */
  default Duration getSeconds(String key, Duration fallback) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting " + key + "='" + value + "' is not a number of seconds", e);
    }
  }
}
