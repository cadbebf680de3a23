package dev.apium.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sets the root log level from {@code -l/--loglevel} (Celery's names) and, for {@code --logfile},
 * sends the log to a file instead of the console. Called once at start on the main thread.
 */
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
    root().setLevel(level);
  }

  /** Appends the log to {@code file} (parent folders made) and stops logging to the console. */
  static void toFile(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("[%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level/%thread] %logger{0}: %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("logfile");
    appender.setFile(file.toAbsolutePath().toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalArgumentException(
          "--logfile " + file + ": cannot write to it; check the folder exists and is writable");
    }
    Logger root = root();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
