package dev.apium.examples.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.examples.Progress;
import dev.apium.examples.TestData;
import dev.apium.examples.Workers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole image example through a real worker on generated pictures, a truncated JPEG included.
 */
class ImageBatchTest {

  @Test
  void aFolderOfPicturesBecomesGrayThumbnailsAndTheCorruptOneFailsAlone(@TempDir Path dir)
      throws IOException {
    TestData.pictures(dir);
    List<Picture> pictures;
    try (Stream<Path> files = Files.list(dir)) {
      pictures = files.sorted().map(Picture::inline).toList();
    }
    AtomicInteger done = new AtomicInteger();

    List<ImageOutcome> outcomes;
    try (Workers workers = new Workers(2)) {
      outcomes =
          new ImageBatch(workers.app, 160).run(pictures, Duration.ofSeconds(60), counting(done));
    }

    assertThat(outcomes).hasSize(7);
    assertThat(done).hasValue(7);
    assertThat(outcomes.stream().filter(o -> !o.ok()))
        .singleElement()
        .satisfies(
            failed -> {
              assertThat(failed.input().name()).isEqualTo("truncated.jpg");
              assertThat(failed.error())
                  .startsWith("ValueError: cannot decode image 'truncated.jpg': ");
            });
    for (ImageOutcome outcome : outcomes.stream().filter(ImageOutcome::ok).toList()) {
      BufferedImage original = ImageIO.read(new ByteArrayInputStream(outcome.input().data()));
      BufferedImage thumb =
          ImageIO.read(new ByteArrayInputStream(outcome.stats().picture().data()));
      assertThat(thumb.getType())
          .as(outcome.input().name())
          .isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
      assertThat(Math.max(thumb.getWidth(), thumb.getHeight())).isEqualTo(160);
      assertThat(thumb.getWidth() / (double) thumb.getHeight())
          .isCloseTo(
              original.getWidth() / (double) original.getHeight(),
              org.assertj.core.data.Offset.offset(0.03));
      assertThat(outcome.stats().picture().timings())
          .containsOnlyKeys("grayscale", "thumbnail", "histogram");
      assertThat(outcome.stats().pixels()).isEqualTo((long) thumb.getWidth() * thumb.getHeight());
    }

    Path sheet = Path.of("target", "test-contact-sheet.png"); // kept to look at
    ContactSheet.write(outcomes, "Generated pictures", "6 ok, 1 failed", sheet);
    BufferedImage drawn = ImageIO.read(sheet.toFile());
    assertThat(drawn.getWidth()).isGreaterThan(1000);
    assertThat(drawn.getHeight()).isGreaterThan(700); // 3 rows of cards
  }

  @Test
  void picturesByReferenceChainThroughTheSharedStore(@TempDir Path dir, @TempDir Path store)
      throws IOException {
    TestData.pictures(dir);
    List<Picture> pictures =
        List.of(
            Picture.reference(dir.resolve("gradient.png"), store),
            Picture.reference(dir.resolve(TestData.TRUNCATED), store));

    List<ImageOutcome> outcomes;
    try (Workers workers = new Workers(2)) {
      outcomes =
          new ImageBatch(workers.app, 100).run(pictures, Duration.ofSeconds(60), Progress.NONE);
    }

    assertThat(outcomes.get(1).error()).contains("cannot decode image 'truncated.jpg'");
    PictureStats stats = outcomes.get(0).stats();
    assertThat(stats.picture().data()).isNull();
    assertThat(Path.of(stats.picture().path())).isEqualTo(store.resolve("gradient.thumbnail.png"));
    assertThat(store.resolve("gradient.grayscale.png")).isNotEmptyFile();
    BufferedImage thumb = ImageIO.read(store.resolve("gradient.thumbnail.png").toFile());
    assertThat(thumb.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(thumb.getWidth()).isEqualTo(100);
    assertThat(stats.pixels()).isEqualTo(100L * thumb.getHeight());
  }

  private static Progress counting(AtomicInteger done) {
    return new Progress() {
      @Override
      public void total(long tasks) {}

      @Override
      public void step() {
        done.incrementAndGet();
      }
    };
  }
}
