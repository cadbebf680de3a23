package dev.apium.examples.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.TaskError;
import dev.apium.examples.TestData;
import dev.apium.protocol.CeleryJson;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageTasksTest {
  @TempDir static Path pictures;

  private final ImageTasks tasks = new ImageTasks();

  @BeforeAll
  static void makePictures() {
    TestData.pictures(pictures);
  }

  private static Path image(String name) {
    return pictures.resolve(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"gradient.png", "gray.png", "photo.jpg", "translucent.png", "silhouette.png"})
  void grayscaleIsTheLuminanceOfTheInputAsARealGrayImage(String name) throws IOException {
    Path file = image(name);
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
    if (input.getType() == BufferedImage.TYPE_BYTE_GRAY) {
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
  @ValueSource(strings = {"photo.jpg", "tall.png", "gray.png"})
  void thumbnailKeepsTheAspectRatio(String name) throws IOException {
    Path file = image(name);
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
    PictureStats stats = tasks.histogram(tasks.grayscale(Picture.inline(image("gray.png"))));

    assertThat(stats.pixels()).isEqualTo(256L * 192);
    assertThat(java.util.Arrays.stream(stats.histogram()).sum()).isEqualTo(stats.pixels());
    assertThat(stats.mean()).isBetween(50.0, 200.0);
    assertThat(stats.stddev()).isPositive();
    assertThat(stats.histogram()[stats.min()]).isPositive();
    assertThat(stats.picture().timings()).containsKeys("grayscale", "histogram");
  }

  @Test
  void aCorruptImageFailsWithItsNameInTheError() {
    assertThatThrownBy(() -> tasks.grayscale(Picture.inline(image("truncated.jpg"))))
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
    Picture gray = tasks.grayscale(Picture.reference(image("gradient.png"), store));

    assertThat(gray.data()).isNull();
    assertThat(Path.of(gray.path())).isEqualTo(store.resolve("gradient.grayscale.png"));
    BufferedImage written = ImageIO.read(Path.of(gray.path()).toFile());
    assertThat(written.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(written.getWidth()).isEqualTo(320);
  }

  @Test
  void picturesTravelAsBase64InTheJsonMessageAndPythonMaySendJustNameAndData() throws IOException {
    byte[] png = Files.readAllBytes(image("gray.png"));
    String json = CeleryJson.write(Picture.inline("gray.png", png));
    assertThat(json).contains("\"data\":\"" + Base64.getEncoder().encodeToString(png) + "\"");

    String fromPython =
        "{\"name\": \"coins.png\", \"data\": \"" + Base64.getEncoder().encodeToString(png) + "\"}";
    Picture received = CeleryJson.MAPPER.readValue(fromPython, Picture.class);
    Picture gray = tasks.grayscale(received);

    assertThat(gray.width()).isEqualTo(256);
    assertThat(CeleryJson.MAPPER.readTree(CeleryJson.write(gray)).get("data").asText())
        .startsWith("iVBORw0KGgo"); // base64 of the PNG signature
  }
}
