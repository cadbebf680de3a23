package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code -l} takes Celery's level names and refuses others with one line. */
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
  void celeryLevelNamesAreAccepted() {
    for (String level : new String[] {"debug", "INFO", "warning", "ERROR", "critical", "WARN"}) {
      Logging.level(level);
    }
    Logging.level("INFO");
  }
}
