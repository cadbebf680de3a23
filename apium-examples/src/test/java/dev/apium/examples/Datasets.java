package dev.apium.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test data ({@code shared/datasets}) by walking up from the working directory.
 */
public final class Datasets {
  private Datasets() {}

  public static Path dir() {
    String configured = System.getProperty("apium.datasets");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no shared/datasets directory above "
            + Path.of("").toAbsolutePath()
            + ": check out next to shared/ or pass -Dapium.datasets=DIR");
  }

  public static Path image(String name) {
    return dir().resolve("images").resolve(name);
  }

  public static Path table(String name) {
    return dir().resolve("tables").resolve(name);
  }
}
