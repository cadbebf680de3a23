package dev.apium.examples;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The examples' test input, made by the tests themselves so a plain clone tests itself: small
 * pictures of every kind the tasks meet (RGB and gray PNG, RGB JPEG, translucent PNG, a 1-bit
 * silhouette), a JPEG truncated by cutting a valid one, and a weather table written with a fixed
 * seed. The real photos and tables beside the checkout are an optional extra ({@link #shared()}).
 * Stateless; called on test threads.
 */
public final class TestData {
  /** Every picture {@link #pictures} writes, the broken one last. */
  public static final List<String> PICTURES =
      List.of(
          "gradient.png", "gray.png", "photo.jpg", "translucent.png", "silhouette.png", "tall.png");

  public static final String TRUNCATED = "truncated.jpg";

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private TestData() {}

  /** Writes {@link #PICTURES} and {@link #TRUNCATED} into {@code dir}; returns all, sorted. */
  public static List<Path> pictures(Path dir) {
    try {
      Files.createDirectories(dir);
      ImageIO.write(gradient(320, 200), "png", dir.resolve("gradient.png").toFile());
      ImageIO.write(gray(256, 192), "png", dir.resolve("gray.png").toFile());
      ImageIO.write(gradient(300, 400), "jpg", dir.resolve("photo.jpg").toFile());
      ImageIO.write(translucent(200, 150), "png", dir.resolve("translucent.png").toFile());
      ImageIO.write(silhouette(240, 180), "png", dir.resolve("silhouette.png").toFile());
      ImageIO.write(gradient(90, 300), "png", dir.resolve("tall.png").toFile());
      Files.write(dir.resolve(TRUNCATED), truncatedJpeg());
      List<Path> all = new java.util.ArrayList<>(PICTURES.stream().map(dir::resolve).toList());
      all.add(dir.resolve(TRUNCATED));
      all.sort(null);
      return List.copyOf(all);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test pictures to " + dir, e);
    }
  }

  /** One picture written on its own, e.g. {@code picture(dir, "gray.png")}. */
  public static Path picture(Path dir, String name) {
    pictures(dir);
    return dir.resolve(name);
  }

  /** The first third of a valid JPEG: decoders fail on it. */
  public static byte[] truncatedJpeg() throws IOException {
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(gradient(200, 120), "jpg", jpeg);
    return Arrays.copyOf(jpeg.toByteArray(), jpeg.size() / 3);
  }

  /** Colour bands, a disc and seeded noise: every channel varies. */
  public static BufferedImage gradient(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(0x1E3C72), w, h, new Color(0xF2A65A)));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(0x7AC74F));
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    Random random = new Random(w * 31L + h);
    for (int i = 0; i < w * h / 20; i++) {
      image.setRGB(random.nextInt(w), random.nextInt(h), random.nextInt(0x1000000));
    }
    return image;
  }

  /** An 8-bit gray ramp with a bright square. */
  public static BufferedImage gray(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int level = (x * 255 / (w - 1) + y) % 256;
        boolean square = x > w / 3 && x < w / 2 && y > h / 3 && y < h / 2;
        image.getRaster().setSample(x, y, 0, square ? 250 : level);
      }
    }
    return image;
  }

  /** A colour picture whose alpha fades from opaque to clear. */
  public static BufferedImage translucent(int w, int h) {
    BufferedImage rgb = gradient(w, h);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int alpha = 255 - x * 255 / (w - 1);
        image.setRGB(x, y, (alpha << 24) | (rgb.getRGB(x, y) & 0xFFFFFF));
      }
    }
    return image;
  }

  /** A black-and-white 1-bit picture. */
  public static BufferedImage silhouette(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.fillOval(w / 5, h / 6, w / 2, h * 2 / 3);
    g.fillRect(w / 2, h / 3, w / 3, h / 5);
    g.dispose();
    return image;
  }

  /**
   * Daily weather for 2012-2015 (1,461 rows) like the public Seattle table: {@code date,
   * precipitation,temp_max,temp_min,wind,weather}, fractional values, some precipitation blank.
   */
  public static Path weatherCsv(Path file) {
    Random random = new Random(1461);
    String[] kinds = {"drizzle", "fog", "rain", "snow", "sun"};
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("date,precipitation,temp_max,temp_min,wind,weather\n");
      for (LocalDate day = LocalDate.of(2012, 1, 1);
          day.isBefore(LocalDate.of(2016, 1, 1));
          day = day.plusDays(1)) {
        double season = Math.cos((day.getDayOfYear() - 200) / 365.0 * 2 * Math.PI);
        double max = Math.round((16 + 10 * season + random.nextGaussian() * 4) * 10) / 10.0;
        double min = Math.round((max - 6 - random.nextDouble() * 5) * 10) / 10.0;
        String rain =
            random.nextInt(40) == 0
                ? ""
                : Double.toString(Math.round(Math.max(0, random.nextGaussian() * 8) * 10) / 10.0);
        double wind = Math.round(random.nextDouble() * 90) / 10.0;
        out.write(
            day
                + ","
                + rain
                + ","
                + max
                + ","
                + min
                + ","
                + wind
                + ","
                + kinds[random.nextInt(kinds.length)]
                + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * The optional real data beside the checkout (../shared/datasets, or -Dapium.datasets=DIR), when
   * that optional folder isDirectory; empty in a plain clone, and tests using it are skipped.
   */
  public static Optional<Path> shared() {
    String configured = System.getProperty("apium.datasets");
    if (configured != null) {
      return Optional.of(Path.of(configured)).filter(Files::isDirectory);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
