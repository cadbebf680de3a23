package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BeatCommandTest {
  @TempDir Path dir;

  private String run(String... args) {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertThat(code).isEqualTo(2);
    return err.toString();
  }

  @Test
  void aScheduleFileWithATypoStopsBeatAndWorkerNamingTheEntry() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("apium-beat.yaml"),
            "nightly-report:\n  task: reports.nightly\n  shedule: '0 3 * * *'\n");
    String expected = "apium: beat entry 'nightly-report': field 'shedule': unknown field";
    assertThat(run("beat", "-b", "memory://", "--schedule", file.toString())).startsWith(expected);
    assertThat(run("worker", "--beat", "-b", "memory://", "--schedule", file.toString()))
        .startsWith(expected);
  }

  @Test
  void aMissingFileOrNoEntriesSayWhatToDo() {
    assertThat(run("beat", "-b", "memory://", "--schedule", dir.resolve("none.yaml").toString()))
        .contains("none.yaml does not exist");
    assertThat(run("beat", "-b", "memory://")).startsWith("apium: no beat entries: add them with");
  }
}
