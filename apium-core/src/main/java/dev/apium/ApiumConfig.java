package dev.apium;

import dev.apium.spi.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings under Celery's names ({@code broker_url}, {@code result_backend}, {@code
 * task_default_queue}, {@code worker_prefetch_multiplier}, {@code task_acks_late}, {@code
 * result_expires}, {@code visibility_timeout}...). Sources, strongest first: values set in code,
 * then {@code APIUM_*} environment variables ({@code APIUM_BROKER_URL} is {@code broker_url}), then
 * {@code apium.properties} in the working directory, then on the classpath, then the defaults.
 * Transports read it through its {@link Settings} view. Immutable and thread-safe.
 */
public final class ApiumConfig implements Settings {
  public static final String BROKER_URL = "broker_url";
  public static final String RESULT_BACKEND = "result_backend";
  public static final String DEFAULT_QUEUE = "task_default_queue";
  public static final String PREFETCH_MULTIPLIER = "worker_prefetch_multiplier";
  public static final String ACKS_LATE = "task_acks_late";
  public static final String RESULT_EXPIRES = "result_expires";
  public static final String RESULT_EXTENDED = "result_extended";
  public static final String TRACK_STARTED = "task_track_started";
  public static final String IGNORE_RESULT = "task_ignore_result";

  /**
   * Apium's own: {@code true} makes every client {@code send()} wait for the broker's reply or
   * confirm; by default client sends are pipelined and confirmed in the background.
   */
  public static final String TASK_PUBLISH_SYNC = "task_publish_sync";

  /** Seconds a failed pipelined send is retried before its task is reported as not queued. */
  public static final String TASK_PUBLISH_RETRY_TIMEOUT = "task_publish_retry_timeout";

  /**
   * Celery's {@code task_time_limit}: seconds after which a task is killed and fails, for every
   * task that sets no limit of its own ({@code @Task(timeLimit)}, {@link TaskOptions}); none by
   * default.
   */
  public static final String TASK_TIME_LIMIT = "task_time_limit";

  /**
   * Celery's {@code task_soft_time_limit}: seconds after which a task is interrupted (it sees
   * {@link SoftTimeLimitExceeded}), for every task that sets no soft limit of its own; none by
   * default.
   */
  public static final String TASK_SOFT_TIME_LIMIT = "task_soft_time_limit";

  public static final String VISIBILITY_TIMEOUT = "visibility_timeout";

  public static final String CONCURRENCY = "worker_concurrency";

  /** Seconds a Redis command may wait for its reply before it fails (default 20). */
  public static final String REDIS_SOCKET_TIMEOUT = "redis_socket_timeout";

  public static final String GLOBAL_KEYPREFIX = "global_keyprefix";

  /** Celery's separate read and write broker URLs: Apium takes them only when they agree. */
  public static final String BROKER_READ_URL = "broker_read_url";

  public static final String BROKER_WRITE_URL = "broker_write_url";

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry(DEFAULT_QUEUE, "celery"),
          Map.entry(PREFETCH_MULTIPLIER, "4"),
          Map.entry(ACKS_LATE, "false"),
          Map.entry(RESULT_EXPIRES, "86400"),
          Map.entry(RESULT_EXTENDED, "false"),
          Map.entry(TRACK_STARTED, "false"),
          Map.entry(IGNORE_RESULT, "false"),
          Map.entry(VISIBILITY_TIMEOUT, "3600"));

  private final Map<String, String> values;

  private ApiumConfig(Map<String, String> values) {
    oneBrokerUrl(values);
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Celery's {@code broker_read_url} / {@code broker_write_url} (also {@code
   * CELERY_BROKER_READ_URL} / {@code CELERY_BROKER_WRITE_URL}): Apium reads and writes through one
   * broker, so they are taken when they name it (as {@code broker_url} when that is unset) and
   * refused with one line when they name another, rather than misrouting tasks silently.
   */
  private static void oneBrokerUrl(Map<String, String> values) {
    String read = blankToNull(values.get(BROKER_READ_URL));
    String write = blankToNull(values.get(BROKER_WRITE_URL));
    if (read == null && write == null) {
      return;
    }
    String broker = blankToNull(values.get(BROKER_URL));
    String split = read != null ? read : write;
    if (broker == null && (read == null || write == null || read.equals(write))) {
      values.put(BROKER_URL, split);
      return;
    }
    for (String[] url : new String[][] {{BROKER_READ_URL, read}, {BROKER_WRITE_URL, write}}) {
      String other = broker != null ? broker : split;
      if (url[1] != null && !url[1].equals(other)) {
        throw new IllegalArgumentException(
            url[0]
                + " ('"
                + dev.apium.spi.Transports.mask(url[1])
                + "') names another broker than "
                + (broker != null
                    ? "broker_url ('" + dev.apium.spi.Transports.mask(broker) + "')"
                    : "the other of broker_read_url / broker_write_url")
                + ": Apium reads and writes tasks through one broker; set broker_url to it and"
                + " unset broker_read_url / broker_write_url (or CELERY_BROKER_READ_URL /"
                + " CELERY_BROKER_WRITE_URL)");
      }
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Only the given values and the defaults: no environment, no files. For tests and tools. */
  public static ApiumConfig of(Map<String, String> explicit) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(explicit);
    return new ApiumConfig(merged);
  }

  /** Defaults, then files, then environment, then the explicit values. */
  public static ApiumConfig load(Map<String, String> explicit) {
    return load(explicit, System.getenv(), Path.of("apium.properties"));
  }

  static ApiumConfig load(Map<String, String> explicit, Map<String, String> env, Path file) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(classpathProperties());
    if (Files.isRegularFile(file)) {
      merged.putAll(readFile(file));
    }
    Map<String, String> fromFile = new LinkedHashMap<>(merged);
    fromFile.keySet().removeAll(DEFAULTS.keySet());
    fromFile.forEach((key, value) -> warnIfUnknown(key, "in apium.properties", key));
    // Celery reads these two from the environment before its configuration (app/utils.py).
    if (env.get("CELERY_BROKER_URL") != null && !env.get("CELERY_BROKER_URL").isBlank()) {
      merged.put(BROKER_URL, env.get("CELERY_BROKER_URL"));
    }
    if (env.get("CELERY_RESULT_BACKEND") != null && !env.get("CELERY_RESULT_BACKEND").isBlank()) {
      merged.put(RESULT_BACKEND, env.get("CELERY_RESULT_BACKEND"));
    }
    for (String split : List.of(BROKER_READ_URL, BROKER_WRITE_URL)) {
      String name = "CELERY_" + split.toUpperCase(Locale.ROOT);
      if (env.get(name) != null && !env.get(name).isBlank()) {
        merged.put(split, env.get(name));
      }
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("APIUM_")
              && name.length() > 6
              && !LAUNCHER_VARIABLES.contains(name)) {
            String key = name.substring(6).toLowerCase(Locale.ROOT);
            warnIfUnknown(key, "from environment variable", name);
            merged.put(key, value);
          }
        });
    merged.putAll(explicit);
    return new ApiumConfig(merged);
  }

  /**
   * Where the broker URL came from when none was configured: null if one was, else a line naming
   * the embedded default and its file, for commands to print.
   */
  public String embeddedBrokerNotice() {
    if (values.get(BROKER_URL) != null) {
      return null;
    }
    return "No broker configured (-b, broker_url in apium.properties, APIUM_BROKER_URL or"
        + " CELERY_BROKER_URL): using the embedded broker "
        + Defaults.BROKER
        + " ("
        + Path.of(Defaults.BROKER.substring("sqlite:".length())).toAbsolutePath()
        + "), which only workers in this directory read";
  }

  /**
   * Variables of the {@code ./apium} launcher, read by the script before the JVM starts: not
   * settings, so neither read nor warned about.
   */
  static final java.util.Set<String> LAUNCHER_VARIABLES =
      java.util.Set.of("APIUM_JAVA_OPTS", "APIUM_CDS");

  /** One warning line for a setting name Apium does not know, with the closest known name. */
  static String unknownKeyWarning(String key, String where, String shown) {
    if (KnownSettings.known(key)) {
      return null;
    }
    String closest = KnownSettings.closest(key);
    return "Unknown setting '"
        + shown
        + "' "
        + where
        + (closest == null
            ? ": Apium does not read it"
            : ": Apium does not read it; did you mean '"
                + (shown.startsWith("APIUM_")
                    ? "APIUM_" + closest.toUpperCase(Locale.ROOT)
                    : closest)
                + "'?");
  }

  private static void warnIfUnknown(String key, String where, String shown) {
    String warning = unknownKeyWarning(key, where, shown);
    if (warning != null) {
      org.slf4j.LoggerFactory.getLogger(ApiumConfig.class).warn(warning);
    }
  }

  private static Map<String, String> classpathProperties() {
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream("apium.properties")) {
      return in == null ? Map.of() : read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read apium.properties from the classpath", e);
    }
  }

  /** The settings of a properties file, keys and values trimmed (e.g. {@code apium --config}). */
  public static Map<String, String> readFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  private static Map<String, String> read(InputStream in) throws IOException {
    Properties props = new Properties();
    props.load(in);
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k).trim()));
    return out;
  }

  /** A copy with one more value. */
  public ApiumConfig with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new ApiumConfig(copy);
  }

  @Override
  public String get(String key) {
    return values.get(key);
  }

  @Override
  public String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "ApiumConfig" + values;
  }
}
