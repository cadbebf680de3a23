package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI ({@code dev.apium.cli.ApiumCommand}) as a child JVM on the test's own class path, its
 * stdout and stderr in one log file: what the process tests start instead of {@code ./apium}.
 * Called from test threads.
 */
final class CliProcess {
  private CliProcess() {}

  /** Starts {@code java [jvmFlags] -cp <test class path> ApiumCommand [args]} with env added. */
  static Process start(Path log, List<String> jvmFlags, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ApiumCommand.class.getName()));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * Starts {@code worker -A NapTasks -b redis --backend redis -Q queue -c concurrency -n name
   * [extra]} and returns once it has logged " ready:" (failing with its log if it died first).
   */
  static Process napWorker(
      Path log,
      List<String> jvmFlags,
      String redis,
      String queue,
      int concurrency,
      String name,
      String... extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "-A",
                NapTasks.class.getName(),
                "-b",
                redis,
                "--backend",
                redis,
                "-Q",
                queue,
                "-c",
                Integer.toString(concurrency),
                "-n",
                name));
    args.addAll(List.of(extra));
    Process p = start(log, jvmFlags, Map.of(), args);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> text(log).contains(" ready:") || !p.isAlive());
    assertThat(p.isAlive()).as(text(log)).isTrue();
    return p;
  }

  /** What the process has written so far. */
  static String text(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
