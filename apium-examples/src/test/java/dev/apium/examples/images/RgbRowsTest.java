package dev.apium.examples.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grayscale read straight from an image's bytes equals the one read through {@code getRGB},
 * pixel for pixel, for the layouts the PNG and JPEG readers give (RGB and RGBA in either byte
 * order), and after a PNG round trip through ImageIO.
 */
class RgbRowsTest {
  private static BufferedImage random(int type, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(37, 23, type);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  private static byte[] throughGetRgb(BufferedImage image) {
    byte[] out = new byte[image.getWidth() * image.getHeight()];
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int argb = image.getRGB(x, y);
        int a = argb >>> 24;
        int r = ((argb >> 16 & 0xff) * a + 255 * (255 - a) + 127) / 255;
        int g = ((argb >> 8 & 0xff) * a + 255 * (255 - a) + 127) / 255;
        int b = ((argb & 0xff) * a + 255 * (255 - a) + 127) / 255;
        out[y * image.getWidth() + x] = (byte) Images.luminance(r << 16 | g << 8 | b);
      }
    }
    return out;
  }

  private static byte[] gray(BufferedImage image) {
    return ((java.awt.image.DataBufferByte) Images.grayscale(image).getRaster().getDataBuffer())
        .getData();
  }

  @ParameterizedTest
  @CsvSource({"5, 1", "6, 2", "1, 3", "2, 4", "5, 5", "6, 6"})
  void bytesGiveWhatGetRgbGives(int type, long seed) {
    BufferedImage image = random(type, seed);
    assertThat(gray(image)).isEqualTo(throughGetRgb(image));
    BufferedImage decoded = Images.decode("p.png", Images.png(image));
    assertThat(gray(decoded)).isEqualTo(throughGetRgb(decoded));
  }
}
