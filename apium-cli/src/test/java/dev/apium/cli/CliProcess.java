package dev.apium.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** What the process has written so far. */
  static String text(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
