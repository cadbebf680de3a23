package dev.apium.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logback set-up, in code: one console appender on stderr with {@link
 * Logging#CONSOLE_PATTERN}, the root at INFO, Lettuce and Netty at WARN, HikariCP at WARN, and
 * Lettuce's reconnect watchdog at ERROR (one line per outage comes from {@code
 * dev.apium.redis.OutageLog}). It replaces the {@code logback.xml} the CLI shipped: parsing that
 * file loaded ~500 classes (an XML parser and logback's Joran model) and took a tenth of a worker's
 * start. Found by logback through {@code META-INF/services}; when {@code
 * -Dlogback.configurationFile} names a file, or a {@code logback-test.xml} is on the class path (a
 * test set-up of a module that depends on this one), logback reads that file instead. Called once,
 * on the thread that first asks for a logger.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDERR");
    console.setTarget("System.err");
    console.setEncoder(Logging.encoder(context, Logging.CONSOLE_PATTERN));
    console.start();
    context.getLogger("io.lettuce").setLevel(Level.WARN);
    context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
