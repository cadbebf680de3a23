package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ApiumCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ApiumCommand.commandLine(args);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void theArgumentsNameTheOnlySubcommandThatIsBuilt() {
    assertThat(ApiumCommand.namedSubcommand("-A", "tasks", "worker", "-c", "4"))
        .isEqualTo(WorkerCommand.class);
    assertThat(ApiumCommand.namedSubcommand("help", "beat")).isEqualTo(BeatCommand.class);
    assertThat(ApiumCommand.namedSubcommand("--help")).isNull();
    assertThat(ApiumCommand.commandLine("inspect", "active").getSubcommands())
        .containsOnlyKeys("inspect");
    assertThat(ApiumCommand.commandLine("--version").getSubcommands())
        .containsKeys("worker", "beat", "call", "inspect", "events", "help")
        .hasSize(ApiumCommand.SUBCOMMANDS.size());
  }

  @Test
  void aSubcommandsHelpIsTheSameWithOnlyItBuilt() {
    StringWriter full = new StringWriter();
    CommandLine all = ApiumCommand.commandLine();
    all.setOut(new PrintWriter(full, true));
    assertThat(all.execute("worker", "--help")).isZero();

    assertThat(run("worker", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: apium worker").isEqualTo(full.toString());
  }

  @Test
  void helpNamingASubcommandIsAnsweredByTheFullCommand() {
    assertThat(run("help", "worker")).isZero();
    assertThat(out.toString()).startsWith("Usage: apium worker");
    assertThat(err.toString()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "worker --no-such-option, --no-such-option",
    // "beat" looks like a subcommand, so picocli does not take it as -A's value
    "-A beat worker --help, -A"
  })
  void aMistakeIsReportedAsTheFullCommandReportsIt(String line, String named) {
    String[] args = line.split(" ");
    StringWriter fullErr = new StringWriter();
    CommandLine all = ApiumCommand.commandLine();
    all.setErr(new PrintWriter(fullErr, true));
    int fullCode = all.execute(args);

    assertThat(run(args)).isEqualTo(fullCode).isEqualTo(2);
    assertThat(err.toString()).contains(named).isEqualTo(fullErr.toString());
  }
}
