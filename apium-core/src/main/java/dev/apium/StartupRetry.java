package dev.apium;

import dev.apium.spi.BrokerException;
import dev.apium.spi.Transports;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting to the broker (and result backend) at start-up as Celery does: while {@code
 * broker_connection_retry_on_startup} (Celery 5.3's name; 5.2's {@code broker_connection_retry}
 * otherwise) is true, a refused connection is retried up to {@code broker_connection_max_retries}
 * times (default 100; 0 retries forever) with kombu's backoff, 2 s then 2 s more each time up to 30
 * s, with one log line per attempt; then, or at once with retries off, one {@link BrokerException}
 * naming the server (password masked) and the setting. Runs on the thread that first uses the
 * broker.
 */
final class StartupRetry {
  static final String RETRY = "broker_connection_retry";
  static final String RETRY_ON_STARTUP = "broker_connection_retry_on_startup";
  static final String MAX_RETRIES = "broker_connection_max_retries";

  /** Apium's own: the first wait and the step, seconds (kombu's interval_start and _step, 2). */
  static final String INTERVAL_START = "broker_connection_retry_interval_start";

  private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);

  private final boolean retry;
  private final int maxRetries;
  private final Duration start;
  private final Duration max = Duration.ofSeconds(30);

  StartupRetry(ApiumConfig config) {
    String onStartup = config.get(RETRY_ON_STARTUP);
    this.retry =
        onStartup != null && !onStartup.isBlank()
            ? config.getBoolean(RETRY_ON_STARTUP, true)
            : config.getBoolean(RETRY, true);
    this.maxRetries = config.getInt(MAX_RETRIES, 100);
    this.start = config.getSeconds(INTERVAL_START, Duration.ofSeconds(2));
  }

  /** The wait before retry number {@code attempt} (1-based): 2, 4, 6... up to 30 s. */
  Duration delay(int attempt) {
    Duration d = start.multipliedBy(attempt);
    return d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Opens the connection, retrying as configured.
   *
   * @param role {@code broker} or {@code result backend}, for the lines
   * @param url the server, masked before it is printed
   */
  <T> T open(String role, String url, Supplier<T> connect) {
    String where = Transports.mask(url);
    for (int attempt = 1; ; attempt++) {
      try {
        return connect.get();
      } catch (BrokerException e) {
        String reason = Secrets.scrub(ApiumText.oneLine(e), url);
        if (!retry) {
          throw new BrokerException(
              "cannot connect to "
                  + role
                  + " "
                  + where
                  + ": "
                  + reason
                  + " (start-up retries are off: "
                  + RETRY_ON_STARTUP
                  + "=false)");
        }
        if (maxRetries > 0 && attempt > maxRetries) {
          throw new BrokerException(
              "cannot connect to "
                  + role
                  + " "
                  + where
                  + " after "
                  + maxRetries
                  + " retries: "
                  + reason
                  + " (raise "
                  + MAX_RETRIES
                  + ", 0 retries forever)");
        }
        Duration wait = delay(attempt);
        log.warn(
            "Cannot connect to {} {}: {}. Trying again in {} s... ({}/{})",
            role,
            where,
            reason,
            wait.toMillis() / 1000.0,
            attempt,
            maxRetries > 0 ? Integer.toString(maxRetries) : "forever");
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new BrokerException(
              "interrupted while waiting to connect to " + role + " " + where);
        }
      } catch (RuntimeException e) {
        throw Secrets.scrubbed(e, url);
      }
    }
  }
}
