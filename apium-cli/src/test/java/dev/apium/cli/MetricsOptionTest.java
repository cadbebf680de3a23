package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --metrics-port} refuses a port that is not one, with one line. */
class MetricsOptionTest {
  @Test
  void badPortIsRefusedWithOneLine() {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("worker", "-b", "memory://", "--metrics-port", "70000");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("apium: --metrics-port 70000: use a TCP port from 1 to 65535");
  }
}
