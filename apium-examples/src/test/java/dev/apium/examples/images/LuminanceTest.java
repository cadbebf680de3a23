package dev.apium.examples.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A colour's gray level is Pillow's: the levels below were read off Pillow 9.4's {@code
 * convert("L")} (Debian's python3-pil), the first six where rounding {@code 0.299 R + 0.587 G +
 * 0.114 B} in floating point gives one level more or less.
 */
class LuminanceTest {
  @ParameterizedTest
  @CsvSource({
    "118, 148, 3, 123",
    "231, 131, 31, 149",
    "127, 159, 221, 157",
    "35, 67, 129, 65",
    "238, 248, 33, 221",
    "163, 209, 220, 197",
    "0, 0, 0, 0",
    "255, 255, 255, 255",
    "255, 0, 0, 76",
    "0, 0, 255, 29"
  })
  void grayLevelIsPillows(int r, int g, int b, int pillow) {
    assertThat(Images.luminance(r << 16 | g << 8 | b)).isEqualTo(pillow);
  }
}
