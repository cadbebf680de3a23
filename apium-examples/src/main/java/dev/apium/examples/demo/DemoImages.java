package dev.apium.examples.demo;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Paints the demo's pictures procedurally (fractals, gradients, shapes, noise), so the demo needs
 * no files from anywhere, plus one deliberately truncated JPEG to show the failure path. Fixed
 * seeds: the same pictures every run. Stateless; called on the client thread.
 */
public final class DemoImages {
  static final int W = 480;
  static final int H = 320;

  /** One pixel of a picture: packed RGB at (x, y) for u = x / W and v = y / H. */
  private interface Shader {
    int rgb(double u, double v);
  }

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private DemoImages() {}

  /**
   * Writes {@code count} pictures and {@code broken.jpg}; returns their paths. The first 12 are all
   * different; beyond that the paintings repeat under numbered names ({@code mandelbrot-2.png}).
   */
  public static List<Path> write(Path dir, int count) {
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      List<String> names =
          Arrays.asList(
              "mandelbrot",
              "sunset",
              "plasma",
              "bubbles",
              "rings",
              "julia",
              "aurora",
              "mosaic",
              "spiral",
              "dunes",
              "checker",
              "nebula");
      for (int i = 0; i < count; i++) {
        String name = names.get(i % names.size());
        int round = i / names.size();
        Path file = dir.resolve(round == 0 ? name + ".png" : name + "-" + (round + 1) + ".png");
        ImageIO.write(paint(name), "png", file.toFile());
        files.add(file);
      }
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(paint("sunset"), "jpg", jpeg);
      Path broken = dir.resolve("broken.jpg");
      Files.write(broken, Arrays.copyOf(jpeg.toByteArray(), jpeg.size() / 3));
      files.add(broken);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write demo images to " + dir + ": " + e, e);
    }
  }

  static BufferedImage paint(String name) {
    return switch (name) {
      case "mandelbrot" -> shade((u, v) -> escape(-2.2 + u * 3.0, -1.0 + v * 2.0, 0, 0));
      case "julia" -> shade((u, v) -> escape(-0.8, 0.156, -1.6 + u * 3.2, -1.07 + v * 2.14));
      case "plasma" -> shade(DemoImages::plasma);
      case "rings" -> shade((u, v) -> hue(Math.hypot(u - 0.5, (v - 0.5) * H / W) * 6, 0.8, 1.0));
      case "spiral" -> shade(DemoImages::spiral);
      case "aurora" -> shade(DemoImages::aurora);
      case "dunes" -> shade(DemoImages::dunes);
      case "checker" -> shade(DemoImages::checker);
      case "nebula" -> shade(DemoImages::nebula);
      case "mosaic" -> mosaic();
      case "bubbles" -> bubbles();
      default -> sunset();
    };
  }

  private static BufferedImage shade(Shader shader) {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        pixels[y * W + x] = shader.rgb(x / (double) W, y / (double) H);
      }
    }
    return image;
  }

  /** Smoothly coloured escape time of z -> z^2 + c (Mandelbrot: z0 = 0; Julia: c fixed). */
  private static int escape(double cx, double cy, double x, double y) {
    for (int i = 0; i < 120; i++) {
      double xx = x * x - y * y + cx;
      y = 2 * x * y + cy;
      x = xx;
      if (x * x + y * y > 16) {
        double smooth = i + 1 - Math.log(Math.log(Math.sqrt(x * x + y * y))) / Math.log(2);
        return hue(0.62 + smooth / 40.0, 0.75, Math.min(1.0, smooth / 12.0));
      }
    }
    return 0x0B0B1E;
  }

  private static int plasma(double u, double v) {
    double t =
        Math.sin(u * 10)
            + Math.sin((v * 10 + u * 6) / 2)
            + Math.sin(Math.hypot(u - 0.5, v - 0.5) * 18);
    return hue(t / 6 + 0.5, 0.7, 0.95);
  }

  private static int spiral(double u, double v) {
    double dx = u - 0.5;
    double dy = (v - 0.5) * H / W;
    double angle = Math.atan2(dy, dx) / (2 * Math.PI);
    double r = Math.hypot(dx, dy);
    double band = (angle + r * 5) % 1.0;
    return hue(band, 0.65, 0.35 + 0.65 * Math.max(0, 1 - r * 1.4));
  }

  private static int aurora(double u, double v) {
    double wave = 0.35 + 0.12 * Math.sin(u * 9) + 0.05 * Math.sin(u * 23 + 1);
    double glow = Math.exp(-Math.pow((v - wave) * 9, 2));
    double star = (Math.abs(Math.sin(u * 1234.5 + v * 987.6) * 43758.5453) % 1.0) > 0.997 ? 1 : 0;
    Color sky = blend(new Color(0x050B1F), new Color(0x16234A), v);
    Color lit = blend(sky, new Color(0x46F2A0), glow * 0.9);
    return blend(lit, Color.WHITE, star * (1 - glow)).getRGB() & 0xFFFFFF;
  }

  private static int dunes(double u, double v) {
    double ridge = 0.55 + 0.1 * Math.sin(u * 7 + 0.5) + 0.05 * Math.sin(u * 17);
    if (v < ridge) {
      return blend(new Color(0xFFB36B), new Color(0x6FA8DC), 1 - v / ridge).getRGB() & 0xFFFFFF;
    }
    double ripples = 0.5 + 0.5 * Math.sin((v - ridge) * 90 + Math.sin(u * 12) * 3);
    return blend(new Color(0xC9803E), new Color(0xE8B46A), ripples).getRGB() & 0xFFFFFF;
  }

  private static int checker(double u, double v) {
    double wu = u + 0.05 * Math.sin(v * 12);
    double wv = v + 0.05 * Math.sin(u * 12);
    boolean dark = ((int) Math.floor(wu * 12) + (int) Math.floor(wv * 8)) % 2 == 0;
    return hue(0.08 + u * 0.2, 0.6, dark ? 0.35 : 0.95);
  }

  private static int nebula(double u, double v) {
    double n = 0;
    double amplitude = 1;
    for (int octave = 1; octave <= 5; octave++) {
      n +=
          amplitude
              * Math.sin(u * 5 * octave + Math.sin(v * 4 * octave) * 1.7)
              * Math.cos(v * 6 * octave - u * 2);
      amplitude /= 2;
    }
    return hue(0.75 + n * 0.12, 0.8, Math.max(0.05, Math.min(1, 0.45 + n * 0.45)));
  }

  private static BufferedImage sunset() {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = smooth(image);
    g.setPaint(new GradientPaint(0, 0, new Color(0x2E1A47), 0, H * 0.6f, new Color(0xFF7E5F)));
    g.fillRect(0, 0, W, (int) (H * 0.6));
    g.setColor(new Color(0xFFD56B));
    g.fill(new Ellipse2D.Double(W * 0.5 - 55, H * 0.6 - 70, 110, 110));
    g.setPaint(new GradientPaint(0, H * 0.6f, new Color(0x3B2F63), 0, H, new Color(0x0E1A2B)));
    g.fillRect(0, (int) (H * 0.6), W, H);
    g.setColor(new Color(255, 213, 107, 150));
    for (int i = 0; i < 9; i++) {
      int y = (int) (H * 0.62) + i * 12;
      int half = 60 - i * 6;
      g.fillRect(W / 2 - half, y, 2 * half, 4);
    }
    g.dispose();
    return image;
  }

  private static BufferedImage bubbles() {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = smooth(image);
    g.setPaint(new GradientPaint(0, 0, new Color(0x0F2027), W, H, new Color(0x2C5364)));
    g.fillRect(0, 0, W, H);
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      double r = 8 + random.nextDouble() * 48;
      g.setColor(
          new Color(
              Color.HSBtoRGB(0.45f + random.nextFloat() * 0.4f, 0.6f, 1f) & 0xFFFFFF | 0x70000000,
              true));
      g.fill(
          new Ellipse2D.Double(
              random.nextDouble() * W - r, random.nextDouble() * H - r, 2 * r, 2 * r));
    }
    g.dispose();
    return image;
  }

  private static BufferedImage mosaic() {
    Random random = new Random(11);
    double[][] seeds = new double[40][3];
    for (double[] seed : seeds) {
      seed[0] = random.nextDouble();
      seed[1] = random.nextDouble();
      seed[2] = 0.05 + random.nextDouble() * 0.15;
    }
    return shade(
        (u, v) -> {
          double best = Double.MAX_VALUE;
          double second = Double.MAX_VALUE;
          double[] nearest = seeds[0];
          for (double[] seed : seeds) {
            double d = Math.hypot(u - seed[0], (v - seed[1]) * H / W);
            if (d < best) {
              second = best;
              best = d;
              nearest = seed;
            } else if (d < second) {
              second = d;
            }
          }
          return hue(nearest[2], 0.55, second - best < 0.006 ? 0.15 : 0.6 + nearest[1] * 0.4);
        });
  }

  private static int hue(double h, double s, double b) {
    return Color.HSBtoRGB(
            (float) (h - Math.floor(h)), (float) s, (float) Math.max(0, Math.min(1, b)))
        & 0xFFFFFF;
  }

  private static Color blend(Color a, Color b, double t) {
    double k = Math.max(0, Math.min(1, t));
    return new Color(
        (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * k),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * k),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * k));
  }

  private static Graphics2D smooth(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    return g;
  }
}
