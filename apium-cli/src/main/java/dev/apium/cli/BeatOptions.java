package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.beat.Beat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code apium beat} and {@code apium worker --beat}: the schedule file and the
 * lease time; builds the app's {@link Beat} from its entries in code plus those of the file. Used
 * once on the main thread.
 */
final class BeatOptions {
  private static final List<String> DEFAULT_FILES =
      List.of("apium-beat.yaml", "apium-beat.yml", "apium-beat.properties");

  @Option(
      names = "--schedule",
      paramLabel = "FILE",
      description =
          "Beat schedule file (.yaml, .yml or .properties, shaped like Celery's beat_schedule);"
              + " default: apium-beat.yaml, .yml or .properties in the working directory.")
  Path schedule;

  @Option(
      names = "--lease-ttl",
      paramLabel = "SECONDS",
      description =
          "How long a leading beat's lease lasts without renewal: another beat takes over within"
              + " it (default: setting beat_lease_ttl, 6).")
  Double leaseTtl;

  Beat build(Apium app) {
    Beat.Builder builder = app.beat();
    Path file = schedule;
    if (file == null) {
      file =
          DEFAULT_FILES.stream()
              .map(Path::of)
              .filter(Files::isRegularFile)
              .findFirst()
              .orElse(null);
    }
    if (file != null) {
      builder.file(file);
    }
    if (leaseTtl != null) {
      builder.leaseTtl(Duration.ofMillis(Math.round(leaseTtl * 1000)));
    }
    if (builder.entries().isEmpty()) {
      throw new IllegalArgumentException(
          "no beat entries: add them with app.beat() in the -A class, or write apium-beat.yaml"
              + " (or pass --schedule FILE)");
    }
    return builder.build();
  }
}
