package dev.apium.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the root log level from {@code -l/--loglevel} (Celery's names). Called once at start. */
final class Logging {
  private Logging() {}

  static void level(String name) {
    Level level =
        switch (name.toUpperCase(java.util.Locale.ROOT)) {
          case "DEBUG" -> Level.DEBUG;
          case "WARNING", "WARN" -> Level.WARN;
          case "ERROR", "CRITICAL", "FATAL" -> Level.ERROR;
          case "INFO" -> Level.INFO;
          default ->
              throw new IllegalArgumentException(
                  "-l/--loglevel '"
                      + name
                      + "' is not a log level: use DEBUG, INFO, WARNING, ERROR or CRITICAL");
        };
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
  }
}
