package dev.apium.examples.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.TaskError;
import dev.apium.examples.Datasets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageTasksTest {
  private final ImageTasks tasks = new ImageTasks();

  @ParameterizedTest
  @ValueSource(strings = {"astronaut.png", "coffee.png", "rocket.jpg", "horse.png", "camera.png"})
  void grayscaleIsTheLuminanceOfTheInputAsARealGrayImage(String name) throws IOException {
    Path file = Datasets.image(name);
    BufferedImage input = ImageIO.read(file.toFile());

    Picture out = tasks.grayscale(Picture.inline(file));

    BufferedImage gray = ImageIO.read(new ByteArrayInputStream(out.data()));
    assertThat(gray.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(gray.getWidth()).isEqualTo(input.getWidth());
    assertThat(gray.getHeight()).isEqualTo(input.getHeight());
    assertThat(out.width()).isEqualTo(input.getWidth());
    assertThat(out.timings()).containsKey("grayscale");
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      int x = random.nextInt(input.getWidth());
      int y = random.nextInt(input.getHeight());
      assertThat(gray.getRaster().getSample(x, y, 0))
          .as("%s at (%d,%d)", name, x, y)
          .isCloseTo(expectedGray(input, x, y), org.assertj.core.data.Offset.offset(1));
    }
  }

  /** Independent of the code under test: gray inputs keep their level, colour ones the formula. */
  private static int expectedGray(BufferedImage input, int x, int y) {
    if (input.getRaster().getNumBands() == 1) {
      return input.getRaster().getSample(x, y, 0);
    }
    int argb = input.getRGB(x, y);
    double a = (argb >>> 24) / 255.0;
    double r = ((argb >> 16) & 0xff) * a + 255 * (1 - a);
    double g = ((argb >> 8) & 0xff) * a + 255 * (1 - a);
    double b = (argb & 0xff) * a + 255 * (1 - a);
    return (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"retina.jpg", "chelsea.png", "page.png"})
  void thumbnailKeepsTheAspectRatio(String name) throws IOException {
    Path file = Datasets.image(name);
    BufferedImage input = ImageIO.read(file.toFile());

    Picture thumb = tasks.thumbnail(Picture.inline(file), 128);

    BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.data()));
    assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(128);
    double inputRatio = input.getWidth() / (double) input.getHeight();
    assertThat(small.getWidth() / (double) small.getHeight())
        .isCloseTo(inputRatio, org.assertj.core.data.Offset.offset(0.02));
    assertThat(small.getRaster().getNumBands()).isEqualTo(input.getRaster().getNumBands());
  }

  @Test
  void histogramCountsEveryPixelOfTheGrayLevels() {
    PictureStats stats =
        tasks.histogram(tasks.grayscale(Picture.inline(Datasets.image("coins.png"))));

    assertThat(stats.pixels()).isEqualTo(384L * 303);
    assertThat(java.util.Arrays.stream(stats.histogram()).sum()).isEqualTo(stats.pixels());
    assertThat(stats.mean()).isBetween(50.0, 200.0);
    assertThat(stats.stddev()).isPositive();
    assertThat(stats.histogram()[stats.min()]).isPositive();
    assertThat(stats.picture().timings()).containsKeys("grayscale", "histogram");
  }

  @Test
  void aCorruptImageFailsWithItsNameInTheError() {
    assertThatThrownBy(() -> tasks.grayscale(Picture.inline(Datasets.image("truncated.jpg"))))
        .isInstanceOf(TaskError.class)
        .hasMessageStartingWith("cannot decode image 'truncated.jpg': ")
        .satisfies(e -> assertThat(((TaskError) e).type()).isEqualTo("ValueError"));
  }

  @Test
  void anImageOverTheCapIsRefusedWithTheFixInOneLine(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("huge.png");
    Files.write(big, new byte[Picture.MAX_INLINE_BYTES + 1]);

    assertThatThrownBy(() -> Picture.inline(big))
        .hasMessageContaining("image 'huge.png' is 8.0 MiB, over the 8 MiB cap")
        .hasMessageContaining("Picture.reference(path, store)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void byReferenceOutputsAreWrittenToTheSharedStore(@TempDir Path store) throws IOException {
    Picture gray = tasks.grayscale(Picture.reference(Datasets.image("coffee.png"), store));

    assertThat(gray.data()).isNull();
    assertThat(Path.of(gray.path())).isEqualTo(store.resolve("coffee.grayscale.png"));
    BufferedImage written = ImageIO.read(Path.of(gray.path()).toFile());
    assertThat(written.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(written.getWidth()).isEqualTo(600);
  }
}
