package dev.apium.interop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@code apium worker} (or another subcommand) in a child JVM with this test JVM's
 * classpath, so a test can kill it with SIGKILL. The child's output goes to {@code
 * target/worker-logs/<name>.log}.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  static Process start(String name, List<String> env, String... args) throws IOException {
    return command(name, env, "worker", args);
  }

  /** Starts {@code apium <subcommand> args...} in a child JVM. */
  static Process command(String name, List<String> env, String subcommand, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.apium.cli.ApiumCommand");
    command.add(subcommand);
    command.addAll(List.of(args));
    Path logs = Files.createDirectories(Path.of("target", "worker-logs"));
    File log = logs.resolve(name + ".log").toFile();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    for (String pair : env) {
      int eq = pair.indexOf('=');
      builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return builder.start();
  }
}
