package dev.apium.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sets the root log level from {@code -l/--loglevel} (Celery's names), the line format from {@code
 * --log-format} ({@code text}, or {@code json}: one JSON object a line for log shippers, with the
 * level, logger, thread, formatted message, MDC ({@code task_id}, {@code task_name}), key-value
 * pairs and throwable) and, for {@code --logfile}, sends the log to a file instead of the console.
 * Called once at start on the main thread.
 */
final class Logging {
  static final String CONSOLE_PATTERN = "[%d{HH:mm:ss.SSS} %-5level/%thread] %logger{0}: %msg%n";
  private static final String FILE_PATTERN =
      "[%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level/%thread] %logger{0}: %msg%n";
  private static volatile boolean json;

  private Logging() {}

  /** {@code --log-format text|json}: switches the console (and a later {@code --logfile}). */
  static void format(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> json = false;
      case "json" -> json = true;
      default ->
          throw new IllegalArgumentException(
              "--log-format '" + name + "' is not a log format: use text or json");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    java.util.Iterator<ch.qos.logback.core.Appender<ILoggingEvent>> appenders =
        root().iteratorForAppenders();
    while (appenders.hasNext()) {
      if (appenders.next() instanceof ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> out) {
        out.stop();
        out.setEncoder(encoder(context, CONSOLE_PATTERN));
        out.start();
      }
    }
  }

  /** The encoder of the chosen format: the pattern for text, logback's JSON lines for json. */
  static Encoder<ILoggingEvent> encoder(LoggerContext context, String pattern) {
    if (json) {
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithContext(false);
      encoder.setWithMessage(false);
      encoder.setWithArguments(false);
      encoder.setWithFormattedMessage(true);
      encoder.start();
      return encoder;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

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
    Encoder<ILoggingEvent> encoder = encoder(context, FILE_PATTERN);
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
