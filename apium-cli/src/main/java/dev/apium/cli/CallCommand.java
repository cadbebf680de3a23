package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.protocol.CeleryJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code apium call NAME}: sends a task by name (to any Celery worker, Java or Python) and prints
 * its id, like {@code celery call}. Runs on the main thread.
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = "Send a task by name and print its id (like `celery call`).")
final class CallCommand implements Callable<Integer> {
  @Mixin AppOptions app;

  @Parameters(index = "0", description = "Task name, e.g. tasks.add.")
  String name;

  @Option(
      names = "--args",
      defaultValue = "[]",
      description = "Positional arguments as a JSON array.")
  String args;

  @Option(
      names = "--kwargs",
      defaultValue = "{}",
      description = "Keyword arguments as a JSON object.")
  String kwargs;

  @Option(names = "--countdown", description = "Seconds to wait before running.")
  Double countdown;

  @Option(names = "--eta", description = "ISO-8601 time to run at, e.g. 2030-01-01T12:00:00Z.")
  String eta;

  @Option(names = "--expires", description = "Seconds after which the task is discarded.")
  Double expires;

  @Option(
      names = {"-Q", "--queue"},
      description = "Queue to send to.")
  String queue;

  @Option(names = "--priority", description = "Priority 0-9.")
  Integer priority;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    JsonNode parsedArgs = parse("--args", args);
    JsonNode parsedKwargs = parse("--kwargs", kwargs);
    if (!parsedArgs.isArray()) {
      throw new IllegalArgumentException("--args must be a JSON array, e.g. '[2, 3]'");
    }
    if (!parsedKwargs.isObject()) {
      throw new IllegalArgumentException("--kwargs must be a JSON object, e.g. '{\"x\": 1}'");
    }
    CallOptions options = CallOptions.create();
    if (countdown != null) {
      options.countdown(Duration.ofMillis(Math.round(countdown * 1000)));
    }
    if (eta != null) {
      Instant at = CeleryJson.parseInstant(eta);
      options.eta(at);
    }
    if (expires != null) {
      options.expires(Duration.ofMillis(Math.round(expires * 1000)));
    }
    if (queue != null) {
      options.queue(queue);
    }
    if (priority != null) {
      options.priority(priority);
    }
    try (Apium apium = app.build()) {
      AsyncResult<Object> result =
          apium.send(
              name,
              CeleryJson.MAPPER.convertValue(parsedArgs, List.class),
              CeleryJson.MAPPER.convertValue(parsedKwargs, Map.class),
              options);
      System.out.println(result.id());
    }
    return 0;
  }

  private static JsonNode parse(String option, String text) {
    try {
      return CeleryJson.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(option + " is not valid JSON: " + text);
    }
  }
}
