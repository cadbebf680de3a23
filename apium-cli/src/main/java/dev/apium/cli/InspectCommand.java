package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code apium inspect <command> [args]}: asks workers, Java or Python, what they hold and know,
 * with Celery's command names ({@code ping, active, reserved, scheduled, registered, stats,
 * active_queues, conf, query_task <ids>, revoked, report, clock}) and prints their replies as
 * {@code celery inspect} does. Runs on the main thread.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Ask workers what they hold and know (like `celery inspect`).")
final class InspectCommand implements Callable<Integer> {
  static final List<String> COMMANDS =
      List.of(
          "ping",
          "active",
          "reserved",
          "scheduled",
          "registered",
          "stats",
          "active_queues",
          "conf",
          "query_task",
          "revoked",
          "report",
          "clock");

  @Mixin AppOptions app;
  @Mixin RemoteOptions remote;

  @Parameters(
      index = "0",
      description = "One of: ${COMPLETION-CANDIDATES}",
      completionCandidates = Names.class)
  String command;

  @Parameters(index = "1..*", description = "Arguments (query_task: task ids).")
  List<String> args = new ArrayList<>();

  /** The command names, for the help text. */
  static final class Names extends ArrayList<String> {
    Names() {
      super(COMMANDS);
    }
  }

  @Override
  public Integer call() {
    if (!COMMANDS.contains(command)) {
      throw new IllegalArgumentException(
          "inspect " + command + ": unknown command; use one of " + String.join(", ", COMMANDS));
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    switch (command) {
      case "query_task" -> arguments.put("ids", args);
      case "registered" -> arguments.put("taskinfoitems", args);
      case "active" -> arguments.put("safe", false);
      case "conf" -> arguments.put("with_defaults", false);
      default -> {}
    }
    try (Apium apium = app.build()) {
      Map<String, JsonNode> replies =
          apium.control().broadcast(command, arguments, remote.destination(), remote.timeout());
      return Replies.print(replies, remote.json, false, System.out);
    }
  }
}
