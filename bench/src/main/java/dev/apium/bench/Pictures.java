package dev.apium.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU-bound workload's input: every {@code *.png} in a folder (sorted by name), each as the
 * image example's inline picture {@code {"name": ..., "data": base64}}, the same JSON the Celery
 * and BullMQ clients send. Called once on the bench client's main thread.
 */
final class Pictures {
  private Pictures() {}

  static List<Map<String, Object>> inline(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> pngs =
          files.filter(f -> f.getFileName().toString().endsWith(".png")).sorted().toList();
      if (pngs.isEmpty()) {
        throw new IllegalArgumentException(
            "no .png in " + dir + ": make them with apium demo --inputs-only --images 200");
      }
      return pngs.stream().map(Pictures::picture).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list pictures in " + dir, e);
    }
  }

  private static Map<String, Object> picture(Path file) {
    try {
      return Map.of(
          "name",
          file.getFileName().toString(),
          "data",
          Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read picture " + file, e);
    }
  }
}
