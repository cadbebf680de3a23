package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import picocli.CommandLine;

/**
 * {@code -l} takes Celery's level names and refuses others with one line; {@code --log-format json}
 * writes one JSON object a line with the MDC, key-value pairs and throwable.
 */
class LoggingTest {
  @Test
  void unknownLevelIsRefusedWithOneLine() {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("worker", "-b", "memory://", "-l", "LOUD");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "apium: -l/--loglevel 'LOUD' is not a log level: use DEBUG, INFO, WARNING, ERROR or"
                + " CRITICAL");
  }

  @Test
  void jsonFormatWritesOneObjectALineWithMdcKeyValuesAndThrowable() throws Exception {
    Logging.format("json");
    try {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      Encoder<ILoggingEvent> encoder = Logging.encoder(context, "%msg%n");
      ch.qos.logback.classic.Logger logger = context.getLogger("dev.apium.worker.trace");
      LoggingEvent event =
          new LoggingEvent(
              "x",
              logger,
              Level.ERROR,
              "Task {}[{}] raised unexpected",
              new IllegalStateException("no way"),
              new Object[] {"t.add", "id-1"});
      event.setMDCPropertyMap(Map.of("task_id", "id-1", "task_name", "t.add"));
      event.addKeyValuePair(new KeyValuePair("args", "('***',)"));
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      assertThat(line).endsWith("\n");
      assertThat(line.strip()).doesNotContain("\n");
      JsonNode json = new ObjectMapper().readTree(line);
      assertThat(json.get("level").asText()).isEqualTo("ERROR");
      assertThat(json.get("loggerName").asText()).isEqualTo("dev.apium.worker.trace");
      assertThat(json.get("formattedMessage").asText())
          .isEqualTo("Task t.add[id-1] raised unexpected");
      assertThat(json.get("mdc").get("task_id").asText()).isEqualTo("id-1");
      assertThat(json.get("mdc").get("task_name").asText()).isEqualTo("t.add");
      assertThat(json.get("kvpList").toString()).contains("args").contains("('***',)");
      assertThat(json.get("throwable").get("className").asText())
          .isEqualTo("java.lang.IllegalStateException");
      assertThat(json.get("timestamp").asLong()).isPositive();
    } finally {
      Logging.format("text");
    }
  }

  @Test
  void unknownFormatIsRefusedWithOneLine() {
    assertThatThrownBy(() -> Logging.format("xml"))
        .hasMessage("--log-format 'xml' is not a log format: use text or json");
  }

  @Test
  void celeryLevelNamesAreAccepted() {
    for (String level : new String[] {"debug", "INFO", "warning", "ERROR", "critical", "WARN"}) {
      Logging.level(level);
    }
    Logging.level("INFO");
  }
}
