package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium purge [-Q queues] [-f]}: deletes every waiting message from the queues (default
 * {@code task_default_queue}), after asking unless {@code -f}, as {@code celery purge}. Messages a
 * worker holds unacknowledged are not touched. Runs on the main thread.
 */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = "Delete all waiting messages from queues (like `celery purge`).")
final class PurgeCommand implements Callable<Integer> {
  @Mixin AppOptions app;

  @Option(
      names = {"-Q", "--queues"},
      split = ",",
      description = "Queues to purge, comma-separated (default: task_default_queue).")
  List<String> queues = new ArrayList<>();

  @Option(
      names = {"-f", "--force"},
      description = "Do not ask for confirmation.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    try (Apium apium = app.build()) {
      List<String> names =
          queues.isEmpty()
              ? List.of(apium.config().get(ApiumConfig.DEFAULT_QUEUE, "celery"))
              : queues;
      if (!force) {
        System.out.println(
            "WARNING: This will remove all tasks from "
                + (names.size() == 1 ? "queue" : "queues")
                + ": "
                + String.join(", ", names)
                + ".\n         There is no undo for this operation!\n\n"
                + "(to skip this prompt use the -f option)\n");
        System.out.print("Are you sure you want to delete all tasks (yes/NO)? ");
        System.out.flush();
        String answer =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
          System.out.println("Not purged.");
          return 1;
        }
      }
      long total = 0;
      for (String queue : names) {
        total += apium.broker().purge(queue);
      }
      String queuesText =
          names.size() + (names.size() == 1 ? " known task queue" : " known task queues");
      System.out.println(
          total == 0
              ? "No messages purged from " + queuesText + "."
              : "Purged "
                  + total
                  + (total == 1 ? " message" : " messages")
                  + " from "
                  + queuesText
                  + ".");
      return 0;
    }
  }
}
