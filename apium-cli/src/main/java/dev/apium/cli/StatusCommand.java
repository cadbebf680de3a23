package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code apium status}: pings every worker, Java or Python, and lists those that answered, as
 * {@code celery status}. Exit 69 when none did. Runs on the main thread.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "List the workers that answer a ping (like `celery status`).")
final class StatusCommand implements Callable<Integer> {
  @Mixin AppOptions app;
  @Mixin RemoteOptions remote;

  @Override
  public Integer call() {
    try (Apium apium = app.build()) {
      Map<String, JsonNode> replies =
          apium.control().broadcast("ping", Map.of(), remote.destination(), remote.timeout());
      if (replies.isEmpty() || remote.json) {
        return Replies.print(replies, remote.json, false, System.out);
      }
      replies.keySet().forEach(node -> System.out.println("->  " + node + ": OK"));
      System.out.println();
      System.out.println(replies.size() + (replies.size() == 1 ? " node" : " nodes") + " online.");
      return 0;
    }
  }
}
