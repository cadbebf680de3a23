package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.TaskFailedException;
import dev.apium.TaskTimeoutException;
import dev.apium.protocol.CeleryJson;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code apium result ID}: waits for a task's result and prints it as JSON, or prints the error's
 * type and message and exits 1 (like {@code celery result}). Runs on the main thread.
 */
@Command(
    name = "result",
    mixinStandardHelpOptions = true,
    description = "Wait for a task's result and print it as JSON (like `celery result`).")
final class ResultCommand implements Callable<Integer> {
  @Mixin AppOptions app;

  @Parameters(index = "0", description = "Task id.")
  String id;

  @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait.")
  double timeout;

  @Override
  public Integer call() {
    try (Apium apium = app.build()) {
      Object value = apium.result(id).get(Duration.ofMillis(Math.round(timeout * 1000)));
      System.out.println(CeleryJson.write(value));
      return 0;
    } catch (TaskFailedException e) {
      System.out.println(e.type() + ": " + e.remoteMessage());
      return 1;
    } catch (TaskTimeoutException e) {
      System.err.println("apium: " + e.getMessage());
      return 3;
    }
  }
}
