package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.examples.Progress;
import dev.apium.examples.images.ImageBatch;
import dev.apium.examples.images.ImageOutcome;
import dev.apium.examples.images.Picture;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The image example across the many-hosts test's worker hosts, which share no disk: pictures made
 * in memory travel inline (base64 in the message), each through grayscale → thumbnail → histogram,
 * with one corrupt picture that must fail alone. Checks every outcome and, through {@code inspect
 * stats}, that more than one host did the work. Called from the test thread.
 */
final class HostsImages {
  private static final int PICTURES = 30;

  private HostsImages() {}

  static void runAcross(Apium client) throws IOException {
    Map<String, Long> before = grayscaleRuns(client);
    List<Picture> pictures = new ArrayList<>();
    for (int i = 0; i < PICTURES; i++) {
      pictures.add(Picture.inline("solid-" + i + ".png", solidPng(i)));
    }
    pictures.add(Picture.inline("broken.jpg", "not a JPEG at all".getBytes()));
    long start = System.nanoTime();
    List<ImageOutcome> outcomes =
        new ImageBatch(client, 32).run(pictures, Duration.ofSeconds(120), Progress.NONE);
    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<String, Long> after = grayscaleRuns(client);
    Map<String, Long> byHost = new HashMap<>();
    after.forEach((host, n) -> byHost.put(host, n - before.getOrDefault(host, 0L)));
    System.out.printf(
        "SCALE many-hosts images inline: %d pictures + 1 corrupt in %d ms, grayscale runs by"
            + " host %s%n",
        PICTURES, millis, byHost);

    assertThat(outcomes).hasSize(PICTURES + 1);
    for (int i = 0; i < PICTURES; i++) {
      ImageOutcome outcome = outcomes.get(i);
      assertThat(outcome.error()).as(outcome.input().name()).isNull();
      // A solid colour turns into one gray level, the luminance of that colour, on every pixel
      // of a 32×24 thumbnail (320×240 fitted into 32).
      assertThat(outcome.stats().min()).isEqualTo(outcome.stats().max());
      assertThat(outcome.stats().mean()).isCloseTo(luminance(i), within(1.0));
      assertThat(outcome.stats().picture().width()).isEqualTo(32);
      assertThat(outcome.stats().picture().height()).isEqualTo(24);
      assertThat(outcome.stats().pixels()).isEqualTo(32 * 24);
      assertThat(outcome.stats().picture().timings())
          .containsKeys("grayscale", "thumbnail", "histogram");
    }
    assertThat(outcomes.get(PICTURES).error()).contains("broken.jpg");
    assertThat(byHost.values().stream().mapToLong(Long::longValue).sum())
        .isGreaterThanOrEqualTo(PICTURES);
    assertThat(byHost.values().stream().filter(n -> n > 0).count())
        .as("hosts that ran grayscale: %s", byHost)
        .isGreaterThanOrEqualTo(2);
  }

  /** {@code images.grayscale} runs so far per worker, from Celery's {@code stats.total}. */
  private static Map<String, Long> grayscaleRuns(Apium client) {
    Map<String, Long> runs = new HashMap<>();
    for (Map.Entry<String, JsonNode> reply :
        client.control().inspect().timeout(Duration.ofSeconds(5)).stats().entrySet()) {
      runs.put(reply.getKey(), reply.getValue().path("total").path("images.grayscale").asLong(0));
    }
    assertThat(runs).as("workers answering inspect stats").hasSize(3);
    return runs;
  }

  /** Picture {@code i}'s colour: brighter as {@code i} grows, never gray itself. */
  private static Color color(int i) {
    int level = 20 + i * 7;
    return new Color(level, level + 10, level - 10);
  }

  /** The gray level the example's grayscale gives picture {@code i}'s colour. */
  private static double luminance(int i) {
    Color c = color(i);
    return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
  }

  /** A 320×240 PNG of picture {@code i}'s colour. */
  private static byte[] solidPng(int i) throws IOException {
    BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Color color = color(i);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 320, 240);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
