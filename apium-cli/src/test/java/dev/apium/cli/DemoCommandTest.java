package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

  @Test
  void chunkBytesTakesSizesWithBinaryUnitsOrAuto() {
    assertThat(DemoCommand.bytes("8MiB")).isEqualTo(8L << 20);
    assertThat(DemoCommand.bytes("512k")).isEqualTo(512L << 10);
    assertThat(DemoCommand.bytes("1000000")).isEqualTo(1_000_000L);
    assertThat(DemoCommand.bytes("auto")).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoCommand.bytes("lots"))
        .hasMessage("--chunk-bytes lots: say a size such as 8MiB, 512KiB or 1000000");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoCommand.bytes("0"))
        .hasMessageStartingWith("--chunk-bytes 0: ");
  }

  @Test
  void demoRunsEndToEndOnTheEmbeddedSqliteBrokerAndSaysWhereTheOutputsAre(@TempDir Path out) {
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
                  "sqlite:" + out.resolve("apium.db"),
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
        .contains("broker sqlite:")
        .contains("images    3/3 pictures", "analysis  3/3 tasks")
        .containsPattern(
            "Done in [0-9.]+ s: 10 tasks in [0-9.]+ s of batches \\([0-9.]+ tasks/s\\), 1 failed")
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
