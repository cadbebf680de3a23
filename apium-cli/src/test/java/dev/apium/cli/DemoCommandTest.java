package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

  @Test
  void demoRunsEndToEndAndSaysWhereTheOutputsAre(@TempDir Path out) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      exit =
          ApiumCommand.commandLine()
              .execute(
                  "demo",
                  "-b",
                  "memory://" + UUID.randomUUID(),
                  "--images",
                  "2",
                  "--rows",
                  "10000",
                  "-w",
                  "1",
                  "-o",
                  out.toString());
    } finally {
      System.setOut(original);
    }

    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .contains("images    3/3 pictures", "analysis  3/3 tasks")
        .containsPattern("Done in [0-9.]+ s: 10 tasks, [0-9]+ tasks/s, 1 failed")
        .contains("broken.jpg: ValueError: cannot decode image 'broken.jpg'")
        .contains("contact-sheet.png", "delays-by-hour.png", "delays.csv", "delays.json");
    assertThat(out.resolve("contact-sheet.png")).isNotEmptyFile();
    assertThat(out.resolve("delays.json")).isNotEmptyFile();
    assertThat(Files.exists(out.resolve("input").resolve("flights.json"))).isTrue();
  }

  @Test
  void workersElsewhereNeedABrokerOtherProcessesCanReach() {
    StringWriter err = new StringWriter();
    CommandLine cli = ApiumCommand.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("demo", "-b", "memory://x", "--no-local-workers");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("apium: --no-local-workers needs a broker other processes can reach")
        .contains("redis://localhost:6379/0");
  }
}
