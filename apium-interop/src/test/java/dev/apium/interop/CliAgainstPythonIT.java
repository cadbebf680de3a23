package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code apium call} and {@code apium result} drive a real Python Celery worker, as `celery call`
 * would.
 */
class CliAgainstPythonIT {
  static final String REDIS = RedisInteropIT.REDIS;
  private final String queue = "cli-" + UUID.randomUUID();
  private final PythonCelery python = new PythonCelery(REDIS, REDIS, queue);

  @AfterEach
  void stop() {
    python.close();
  }

  @Test
  void callPrintsAnIdAndResultPrintsThePythonResultOrError() throws Exception {
    python.startWorker("cli-" + UUID.randomUUID() + "@%h", 1, queue);
    Run call =
        apium(
            "call",
            "interop.add",
            "--args",
            "[2]",
            "--kwargs",
            "{\"y\": 40}",
            "-Q",
            queue,
            "--countdown",
            "0.5",
            "-b",
            REDIS,
            "--backend",
            REDIS);
    assertThat(call.exit).as(call.output).isZero();
    String id = call.output.trim();
    assertThat(id).matches("[0-9a-f-]{36}");
    Run result = apium("result", id, "--timeout", "30", "-b", REDIS, "--backend", REDIS);
    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output.trim()).isEqualTo("42");

    Run failing =
        apium(
            "call",
            "interop.fail",
            "--args",
            "[\"boom\"]",
            "-Q",
            queue,
            "-b",
            REDIS,
            "--backend",
            REDIS);
    Run error =
        apium("result", failing.output.trim(), "--timeout", "30", "-b", REDIS, "--backend", REDIS);
    assertThat(error.exit).isEqualTo(1);
    assertThat(error.output.trim()).isEqualTo("ValueError: boom");

    Run bad = apium("call", "interop.add", "--args", "{not json", "-b", REDIS);
    assertThat(bad.exit).isNotZero();
    assertThat(bad.output).contains("--args is not valid JSON");
  }

  private record Run(int exit, String output) {}

  private static Run apium(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.apium.cli.ApiumCommand");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), process.exitValue() == 0 ? out : out + err);
  }
}
