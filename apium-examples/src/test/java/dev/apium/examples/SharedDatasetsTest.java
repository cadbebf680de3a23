package dev.apium.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.apium.examples.analysis.Analysis;
import dev.apium.examples.analysis.AnalysisChecks;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.analysis.Summary;
import dev.apium.examples.images.ImageBatch;
import dev.apium.examples.images.ImageOutcome;
import dev.apium.examples.images.Picture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The optional extra run on real photos and tables: only when the optional shared/datasets folder
 * sits beside the checkout (or -Dapium.datasets=DIR names one); skipped, with the reason, in a
 * plain clone. The generated-data tests cover the same paths without it.
 */
class SharedDatasetsTest {

  private static Path dir() {
    Optional<Path> shared = TestData.shared();
    assumeTrue(
        shared.isPresent(), "optional real data absent: no shared/datasets folder (isDirectory)");
    return shared.get();
  }

  @Test
  void realPhotosBecomeThumbnailsAndTheTruncatedJpegFailsAlone() throws IOException {
    Path images = dir().resolve("images");
    assumeTrue(Files.isDirectory(images), "optional: no images folder in " + dir());
    List<Picture> pictures;
    try (Stream<Path> files = Files.list(images)) {
      pictures = files.sorted().map(Picture::inline).toList();
    }
    List<ImageOutcome> outcomes;
    try (Workers workers = new Workers(2)) {
      outcomes =
          new ImageBatch(workers.app, 160).run(pictures, Duration.ofSeconds(120), Progress.NONE);
    }
    assertThat(outcomes).hasSize(pictures.size());
    assertThat(outcomes.stream().filter(o -> !o.ok()))
        .allSatisfy(o -> assertThat(o.error()).contains("cannot decode image"))
        .extracting(o -> o.input().name())
        .contains("truncated.jpg");
  }

  @Test
  void theRealFlightsTableMatchesASingleThreadedComputation() {
    Path table = dir().resolve("tables").resolve("flights-200k.json");
    assumeTrue(Files.isRegularFile(table), "optional: no " + table);
    Query query =
        new Query(
            List.of(new Query.Measure("delay", -60, 240, 60)),
            List.of(new Query.Key("hour", "time", "floor")));
    Summary answer;
    try (Workers workers = new Workers(2)) {
      answer =
          new Analysis(workers.app, query, 10_000)
              .run(table, Duration.ofSeconds(120), Progress.NONE);
    }
    assertThat(answer.rows()).isEqualTo(200_000);
    AnalysisChecks.assertMatchesReference(answer, table, query, true);
  }
}
