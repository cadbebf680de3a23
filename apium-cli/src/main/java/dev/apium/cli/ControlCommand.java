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
 * {@code apium control <command> [args]}: steers workers, Java or Python, with Celery's control
 * commands and argument order ({@code revoke <ids>}, {@code terminate <signal> <ids>}, {@code
 * rate_limit <task> <rate>}, {@code time_limit <task> <soft> [hard]}, {@code add_consumer <queue>},
 * {@code cancel_consumer <queue>}, {@code pool_grow [n]}, {@code pool_shrink [n]}, {@code autoscale
 * <max> <min>}, {@code enable_events}, {@code disable_events}, {@code heartbeat}, {@code shutdown})
 * and prints the replies as {@code celery control} does. Runs on the main thread.
 */
@Command(
    name = "control",
    mixinStandardHelpOptions = true,
    description = "Steer workers (like `celery control`).")
final class ControlCommand implements Callable<Integer> {
  static final List<String> COMMANDS =
      List.of(
          "revoke",
          "terminate",
          "rate_limit",
          "time_limit",
          "add_consumer",
          "cancel_consumer",
          "pool_grow",
          "pool_shrink",
          "autoscale",
          "enable_events",
          "disable_events",
          "heartbeat",
          "shutdown");

  @Mixin AppOptions app;
  @Mixin RemoteOptions remote;

  @Parameters(index = "0", description = "The command (see the class description).")
  String command;

  @Parameters(index = "1..*", description = "Its arguments, in Celery's order.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    Map<String, Object> arguments = arguments();
    try (Apium apium = app.build()) {
      if (command.equals("shutdown")) {
        apium.control().cast("shutdown", arguments, remote.destination());
        System.out.println("Shutdown sent to " + describe(remote.destination()) + ".");
        return 0;
      }
      if (command.equals("revoke") || command.equals("terminate")) {
        for (String id : list(arguments.get("task_id"))) {
          apium.backend().markRevoked(id, java.time.Duration.ofHours(3));
        }
      }
      Map<String, JsonNode> replies =
          apium
              .control()
              .broadcast(
                  command.equals("terminate") ? "revoke" : command,
                  arguments,
                  remote.destination(),
                  remote.timeout());
      return Replies.print(replies, remote.json, true, System.out);
    }
  }

  private static String describe(List<String> destination) {
    return destination == null ? "every worker" : String.join(", ", destination);
  }

  private static List<String> list(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> l) {
      l.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  private Map<String, Object> arguments() {
    Map<String, Object> a = new LinkedHashMap<>();
    switch (command) {
      case "revoke" -> {
        need(1, "revoke <task id> [<task id> ...]");
        a.put("task_id", args);
        a.put("terminate", false);
        a.put("signal", "SIGTERM");
      }
      case "terminate" -> {
        need(2, "terminate <signal> <task id> [<task id> ...]");
        a.put("task_id", args.subList(1, args.size()));
        a.put("terminate", true);
        a.put("signal", args.get(0));
      }
      case "rate_limit" -> {
        need(2, "rate_limit <task name> <rate, e.g. 10/s>");
        a.put("task_name", args.get(0));
        a.put("rate_limit", args.get(1));
      }
      case "time_limit" -> {
        need(2, "time_limit <task name> <soft seconds> [<hard seconds>]");
        a.put("task_name", args.get(0));
        a.put("soft", number(args.get(1)));
        a.put("hard", args.size() > 2 ? number(args.get(2)) : null);
      }
      case "add_consumer" -> {
        need(1, "add_consumer <queue> [<exchange> [<type> [<routing key>]]]");
        a.put("queue", args.get(0));
        a.put("exchange", args.size() > 1 ? args.get(1) : null);
        a.put("exchange_type", args.size() > 2 ? args.get(2) : "direct");
        a.put("routing_key", args.size() > 3 ? args.get(3) : null);
      }
      case "cancel_consumer" -> {
        need(1, "cancel_consumer <queue>");
        a.put("queue", args.get(0));
      }
      case "pool_grow", "pool_shrink" -> a.put("n", args.isEmpty() ? 1 : (int) number(args.get(0)));
      case "autoscale" -> {
        need(2, "autoscale <max> <min>");
        a.put("max", (int) number(args.get(0)));
        a.put("min", (int) number(args.get(1)));
      }
      case "enable_events", "disable_events", "heartbeat", "shutdown" -> {}
      default ->
          throw new IllegalArgumentException(
              "control "
                  + command
                  + ": unknown command; use one of "
                  + String.join(", ", COMMANDS));
    }
    return a;
  }

  private void need(int count, String usage) {
    if (args.size() < count) {
      throw new IllegalArgumentException(
          "control " + command + ": missing arguments; use " + usage);
    }
  }

  private double number(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "control " + command + ": '" + text + "' is not a number", e);
    }
  }
}
