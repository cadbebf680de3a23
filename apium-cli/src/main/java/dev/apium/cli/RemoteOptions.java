package dev.apium.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by {@code inspect}, {@code control} and {@code status}: whom to ask, how long. */
final class RemoteOptions {
  @Option(
      names = {"-d", "--destination"},
      split = ",",
      description = "Worker node names to ask, comma-separated (default: all).")
  List<String> destination;

  @Option(
      names = {"-t", "--timeout"},
      defaultValue = "1.0",
      description = "Seconds to wait for replies (default 1).")
  double timeout;

  @Option(
      names = {"-j", "--json"},
      description = "Print the replies as JSON.")
  boolean json;

  Duration timeout() {
    return Duration.ofMillis(Math.round(timeout * 1000));
  }

  List<String> destination() {
    return destination == null || destination.isEmpty() ? null : destination;
  }
}
