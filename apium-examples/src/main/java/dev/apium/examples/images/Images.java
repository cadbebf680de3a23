package dev.apium.examples.images;

import dev.apium.TaskError;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The pixel work behind the image tasks, with {@code javax.imageio} and {@code java.awt.image}
 * only: strict decoding (a reader warning is an error), the classic luminance grayscale, and
 * good-quality downscaling. Stateless; called on worker pool threads and by the client.
 */
final class Images {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Images() {}

  /** Decodes PNG/JPEG/GIF/BMP bytes; a corrupt or truncated file is a {@code ValueError}. */
  static BufferedImage decode(String name, byte[] bytes) {
    // In memory: ImageIO's default stream caches what it reads in a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw cannotDecode(name, "not a PNG, JPEG, GIF or BMP file");
      }
      ImageReader reader = readers.next();
      try {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw cannotDecode(name, warnings.get(0));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (TaskError e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw cannotDecode(name, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private static TaskError cannotDecode(String name, String why) {
    return new TaskError("ValueError", "cannot decode image '" + name + "': " + why);
  }

  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // In memory: ImageIO.write(image, format, OutputStream) caches in a temporary file.
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      ImageIO.write(image, "png", stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** True when the image holds gray levels only (one band, optionally with alpha). */
  static boolean isGray(BufferedImage image) {
    return image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
  }

  /**
   * The classic luminance {@code 0.299 R + 0.587 G + 0.114 B} as an 8-bit {@code TYPE_BYTE_GRAY}
   * image. Gray inputs keep their stored levels (Java's own gray conversion would apply a gamma
   * curve); transparent pixels are composited over white.
   */
  static BufferedImage grayscale(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] out = ((java.awt.image.DataBufferByte) gray.getRaster().getDataBuffer()).getData();
    if (isGray(image)) {
      Raster raster = image.getRaster();
      int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[y * w + x] = (byte) (raster.getSample(x, y, 0) >> shift);
        }
      }
      return gray;
    }
    int[] row = new int[w];
    RgbBytes bytes = RgbBytes.of(image);
    for (int y = 0; y < h; y++) {
      if (bytes != null) {
        bytes.row(y, row);
      } else {
        image.getRGB(0, y, w, 1, row, 0, w);
      }
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (byte) luminance(overWhite(row[x]));
      }
    }
    return gray;
  }

  /**
   * Reads packed ARGB rows straight from the bytes of an 8-bit sRGB image with interleaved samples
   * (what the PNG and JPEG readers give for colour pictures), the values {@link
   * BufferedImage#getRGB} would give for it, without its per-pixel colour model calls (a fifth of a
   * grayscale's time).
   */
  private record RgbBytes(byte[] data, int pixelStride, int scanline, int[] offsets, int width) {
    static RgbBytes of(BufferedImage image) {
      Raster raster = image.getRaster();
      if (!(image.getColorModel() instanceof ComponentColorModel model)
          || !model.getColorSpace().isCS_sRGB()
          || model.isAlphaPremultiplied()
          || !(raster.getSampleModel() instanceof ComponentSampleModel samples)
          || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
          || buffer.getNumBanks() != 1
          || buffer.getOffset() != 0
          || raster.getSampleModelTranslateX() != 0
          || raster.getSampleModelTranslateY() != 0
          || (samples.getNumBands() != 3 && samples.getNumBands() != 4)) {
        return null;
      }
      for (int size : samples.getSampleSize()) {
        if (size != 8) {
          return null;
        }
      }
      return new RgbBytes(
          buffer.getData(),
          samples.getPixelStride(),
          samples.getScanlineStride(),
          samples.getBandOffsets(),
          image.getWidth());
    }

    void row(int y, int[] row) {
      int r = offsets[0];
      int g = offsets[1];
      int b = offsets[2];
      int a = offsets.length == 4 ? offsets[3] : -1;
      int at = y * scanline;
      for (int x = 0; x < width; x++, at += pixelStride) {
        int alpha = a < 0 ? 0xff : data[at + a] & 0xff;
        row[x] =
            alpha << 24
                | (data[at + r] & 0xff) << 16
                | (data[at + g] & 0xff) << 8
                | (data[at + b] & 0xff);
      }
    }
  }

  /**
   * {@code 0.299 R + 0.587 G + 0.114 B} of a packed RGB pixel, 0-255, in Pillow's fixed point
   * ({@code convert("L")}: 16-bit weights, rounded), so a Java and a Python worker give the same
   * gray level for every pixel.
   */
  static int luminance(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  private static int overWhite(int argb) {
    int a = argb >>> 24;
    if (a == 255) {
      return argb;
    }
    int r = blend((argb >> 16) & 0xff, a);
    int g = blend((argb >> 8) & 0xff, a);
    int b = blend(argb & 0xff, a);
    return (r << 16) | (g << 8) | b;
  }

  private static int blend(int channel, int alpha) {
    return (channel * alpha + 255 * (255 - alpha) + 127) / 255;
  }

  /**
   * Scales so the longer side is at most {@code maxSide}, keeping the aspect ratio. Halves the size
   * with bilinear steps until close, then one final bilinear step: the usual way to get smooth
   * downscaling out of Java 2D without aliasing.
   */
  static BufferedImage fit(BufferedImage image, int maxSide) {
    BufferedImage current = normalized(image);
    int w = current.getWidth();
    int h = current.getHeight();
    double scale = Math.min(1.0, maxSide / (double) Math.max(w, h));
    int targetW = Math.max(1, (int) Math.round(w * scale));
    int targetH = Math.max(1, (int) Math.round(h * scale));
    while (current.getWidth() / 2 >= targetW && current.getHeight() / 2 >= targetH) {
      current = resize(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return current.getWidth() == targetW && current.getHeight() == targetH
        ? current
        : resize(current, targetW, targetH);
  }

  /** Gray stays 8-bit gray; everything else becomes opaque RGB (alpha over white). */
  private static BufferedImage normalized(BufferedImage image) {
    if (isGray(image)) {
      return image.getType() == BufferedImage.TYPE_BYTE_GRAY ? image : grayscale(image);
    }
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    int w = image.getWidth();
    BufferedImage rgb = new BufferedImage(w, image.getHeight(), BufferedImage.TYPE_INT_RGB);
    int[] row = new int[w];
    RgbBytes bytes = RgbBytes.of(image);
    for (int y = 0; y < image.getHeight(); y++) {
      if (bytes != null) {
        bytes.row(y, row);
      } else {
        image.getRGB(0, y, w, 1, row, 0, w);
      }
      for (int x = 0; x < w; x++) {
        row[x] = overWhite(row[x]);
      }
      rgb.setRGB(0, y, w, 1, row, 0, w);
    }
    return rgb;
  }

  private static BufferedImage resize(BufferedImage image, int w, int h) {
    AffineTransform scale =
        AffineTransform.getScaleInstance(
            w / (double) image.getWidth(), h / (double) image.getHeight());
    BufferedImage out = new BufferedImage(w, h, image.getType());
    new AffineTransformOp(scale, AffineTransformOp.TYPE_BILINEAR).filter(image, out);
    return out;
  }
}
