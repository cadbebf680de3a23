package dev.apium.examples.images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws a batch's outcomes as one PNG: a card per picture with the original and the worker's
 * grayscale thumbnail side by side, its gray-level histogram, and how long each step took; failed
 * pictures show their error instead; at most {@link #MAX_CARDS} cards. Stateless; called on the
 * client thread.
 */
public final class ContactSheet {
  /** Side of the before/after tiles: thumbnails of this size are drawn 1:1. */
  public static final int TILE = 160;

  /** At most this many cards are drawn (the first ones); a big batch keeps its sheet small. */
  public static final int MAX_CARDS = 60;

  private static final int PAD = 14;
  private static final int COLUMNS = 3;
  private static final int CARD_W = PAD * 3 + TILE * 2;
  private static final int CARD_H = PAD * 2 + TILE + 46 + 2 * 17 + 8;
  private static final int HEADER = 86;
  private static final Color PAPER = new Color(0xF3F0E8);
  private static final Color INK = new Color(0x2B2B2B);
  private static final Color MUTED = new Color(0x77736B);
  private static final Color ACCENT = new Color(0x3B7EA1);
  private static final Color FAILURE = new Color(0xC0392B);
  private static final Map<String, String> SHORT =
      Map.of("grayscale", "gray", "thumbnail", "thumb", "histogram", "hist");

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ContactSheet() {}

  /** Writes the sheet for {@code outcomes} under a title line, e.g. the batch's totals. */
  public static void write(List<ImageOutcome> all, String title, String subtitle, Path png) {
    List<ImageOutcome> outcomes = all.subList(0, Math.min(all.size(), MAX_CARDS));
    int rows = Math.max(1, (outcomes.size() + COLUMNS - 1) / COLUMNS);
    int width = PAD + COLUMNS * (CARD_W + PAD);
    int height = HEADER + rows * (CARD_H + PAD) + PAD;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setColor(PAPER);
    g.fillRect(0, 0, width, height);
    g.setColor(INK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 26));
    g.drawString(title, PAD + 4, 42);
    g.setColor(MUTED);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    g.drawString(subtitle, PAD + 4, 68);
    for (int i = 0; i < outcomes.size(); i++) {
      int x = PAD + (i % COLUMNS) * (CARD_W + PAD);
      int y = HEADER + (i / COLUMNS) * (CARD_H + PAD);
      card(g, outcomes.get(i), x, y);
    }
    g.dispose();
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ImageIO.write(sheet, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write contact sheet " + png + ": " + e.getMessage(), e);
    }
  }

  private static void card(Graphics2D g, ImageOutcome outcome, int x, int y) {
    g.setColor(new Color(0, 0, 0, 22));
    g.fillRoundRect(x + 2, y + 3, CARD_W, CARD_H, 14, 14);
    g.setColor(Color.WHITE);
    g.fillRoundRect(x, y, CARD_W, CARD_H, 14, 14);
    if (!outcome.ok()) {
      g.setColor(FAILURE);
      g.setStroke(new BasicStroke(2f));
      g.drawRoundRect(x + 1, y + 1, CARD_W - 2, CARD_H - 2, 14, 14);
    }
    int tileY = y + PAD;
    tile(g, before(outcome.input()), x + PAD, tileY);
    int textY = tileY + TILE + 46;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(INK);
    g.drawString(outcome.input().name(), x + PAD, textY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    String total = String.format("%.1f s round trip", outcome.millis() / 1000.0);
    g.setColor(outcome.ok() ? ACCENT : FAILURE);
    g.drawString(total, x + CARD_W - PAD - g.getFontMetrics().stringWidth(total), textY);
    if (outcome.ok()) {
      PictureStats stats = outcome.stats();
      tile(
          g,
          Images.decode(outcome.input().name(), stats.picture().bytes()),
          x + 2 * PAD + TILE,
          tileY);
      histogram(g, stats.histogram(), x + PAD, tileY + TILE + 8, CARD_W - 2 * PAD, 22);
      g.setColor(MUTED);
      g.drawString(
          String.format(
              "%d×%d px · mean %.0f · sd %.0f · levels %d–%d",
              stats.picture().width(),
              stats.picture().height(),
              stats.mean(),
              stats.stddev(),
              stats.min(),
              stats.max()),
          x + PAD,
          textY + 17);
      g.setColor(ACCENT);
      g.drawString(timings(stats.picture().timings()), x + PAD, textY + 34);
    } else {
      failed(g, outcome.error(), x + 2 * PAD + TILE, tileY);
      g.setColor(FAILURE);
      g.drawString("this picture failed; the rest of the batch went on", x + PAD, textY + 17);
    }
  }

  /** The original, or a placeholder when even the client cannot decode it. */
  private static BufferedImage before(Picture input) {
    try {
      return Images.decode(input.name(), input.bytes());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void tile(Graphics2D g, BufferedImage image, int x, int y) {
    g.setColor(new Color(0xE9E6DF));
    g.fillRect(x, y, TILE, TILE);
    if (image == null) {
      g.setColor(MUTED);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 48));
      centered(g, "?", x, y + TILE / 2 + 16, TILE);
      return;
    }
    BufferedImage fitted = Images.fit(image, TILE);
    g.drawImage(
        fitted, x + (TILE - fitted.getWidth()) / 2, y + (TILE - fitted.getHeight()) / 2, null);
  }

  private static void histogram(Graphics2D g, long[] counts, int x, int y, int w, int h) {
    long peak = 1;
    for (long c : counts) {
      peak = Math.max(peak, c);
    }
    for (int level = 0; level < 256; level++) {
      int barH = (int) Math.round(h * Math.sqrt(counts[level] / (double) peak));
      int x0 = x + level * w / 256;
      int x1 = x + (level + 1) * w / 256;
      g.setColor(new Color(level, level, level));
      g.fillRect(x0, y + h - barH, Math.max(1, x1 - x0), barH);
    }
    g.setColor(new Color(0xD8D4CB));
    g.drawLine(x, y + h, x + w, y + h);
  }

  private static void failed(Graphics2D g, String error, int x, int y) {
    g.setColor(new Color(0xFBEAEA));
    g.fillRect(x, y, TILE, TILE);
    g.setColor(FAILURE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("FAILED", x + 10, y + 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int lineY = y + 44;
    for (String line : wrap(g.getFontMetrics(), error, TILE - 20)) {
      if (lineY > y + TILE - 8) {
        break;
      }
      g.drawString(line, x + 10, lineY);
      lineY += 14;
    }
  }

  /** "gray 12 ms · thumb 3 ms · hist 1 ms": the time each step took on its worker. */
  private static String timings(Map<String, Long> steps) {
    List<String> parts = new ArrayList<>();
    steps.forEach((step, ms) -> parts.add(SHORT.getOrDefault(step, step) + " " + ms + " ms"));
    return "on workers: " + String.join(" · ", parts);
  }

  private static List<String> wrap(FontMetrics metrics, String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && metrics.stringWidth(line + " " + word) > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static void centered(Graphics2D g, String text, int x, int baseline, int width) {
    g.drawString(text, x + (width - g.getFontMetrics().stringWidth(text)) / 2, baseline);
  }
}
