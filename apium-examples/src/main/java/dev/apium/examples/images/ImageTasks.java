package dev.apium.examples.images;

import dev.apium.Task;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image tasks, callable from Java or Python by name. Each takes a {@link Picture} first, so
 * they chain: {@code images.grayscale → images.thumbnail → images.histogram}. Inline pictures come
 * back inline (PNG bytes); pictures by reference are written under their {@code store} and come
 * back as a path. Stateless; runs on worker pool threads.
 */
public final class ImageTasks {

  /** The classic luminance grayscale ({@code 0.299 R + 0.587 G + 0.114 B}) as an 8-bit PNG. */
  @Task("images.grayscale")
  public Picture grayscale(Picture picture) {
    long start = System.nanoTime();
    BufferedImage gray = Images.grayscale(Images.decode(picture.name(), picture.bytes()));
    return output(picture, "grayscale", gray, start);
  }

  /** Scales so the longer side is at most {@code size} pixels, keeping the aspect ratio. */
  @Task("images.thumbnail")
  public Picture thumbnail(Picture picture, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("thumbnail size must be at least 1 pixel, got " + size);
    }
    long start = System.nanoTime();
    BufferedImage small = Images.fit(Images.decode(picture.name(), picture.bytes()), size);
    return output(picture, "thumbnail", small, start);
  }

  /** Mean, standard deviation, range and 256-bin histogram of the gray levels (luminance). */
  @Task("images.histogram")
  public PictureStats histogram(Picture picture) {
    long start = System.nanoTime();
    BufferedImage image = Images.decode(picture.name(), picture.bytes());
    Raster gray = Images.grayscale(image).getRaster();
    long[] histogram = new long[256];
    double sum = 0;
    double sumSquares = 0;
    for (int y = 0; y < gray.getHeight(); y++) {
      for (int x = 0; x < gray.getWidth(); x++) {
        int level = gray.getSample(x, y, 0);
        histogram[level]++;
        sum += level;
        sumSquares += (double) level * level;
      }
    }
    long pixels = (long) gray.getWidth() * gray.getHeight();
    double mean = sum / pixels;
    double stddev = Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean));
    int min = 0;
    while (histogram[min] == 0) {
      min++;
    }
    int max = 255;
    while (histogram[max] == 0) {
      max--;
    }
    Picture timed =
        new Picture(
                picture.name(),
                picture.data(),
                picture.path(),
                picture.store(),
                image.getWidth(),
                image.getHeight(),
                picture.timings())
            .timed("histogram", millisSince(start));
    return new PictureStats(timed, pixels, mean, stddev, min, max, histogram);
  }

  private static Picture output(Picture input, String step, BufferedImage image, long start) {
    byte[] png = Images.png(image);
    String path = null;
    if (input.byReference()) {
      path = write(input, step, png).toString();
      png = null;
    }
    return new Picture(
            input.name(),
            png,
            path,
            input.store(),
            image.getWidth(),
            image.getHeight(),
            input.timings())
        .timed(step, millisSince(start));
  }

  private static Path write(Picture input, String step, byte[] png) {
    if (input.store() == null) {
      throw new IllegalArgumentException(
          "image '" + input.name() + "' came by reference without a store directory for outputs");
    }
    String base = input.name().replaceFirst("\\.[^.]+$", "");
    Path out = Path.of(input.store()).resolve(base + "." + step + ".png");
    try {
      Files.createDirectories(out.getParent());
      Files.write(out, png);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + out + ": is the store directory shared and writable?", e);
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
