package dev.apium.examples.analysis;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws one column of a {@link Summary} as a PNG with XChart: on top its mean per group with error
 * bars of one standard deviation, below the distribution of all its values (the merged histogram).
 * Stateless; called on the client thread.
 */
public final class SummaryChart {
  private static final int WIDTH = 1000;
  private static final Color BARS = new Color(0x3B7EA1);
  private static final Color DISTRIBUTION = new Color(0xE07A3F);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private SummaryChart() {}

  /**
   * Writes the chart of {@code column} grouped by {@code key}, e.g. mean delay by hour of day.
   *
   * @param unit shown in axis titles, e.g. {@code minutes}
   */
  public static void write(Summary summary, String key, String column, String unit, Path png) {
    Map<String, Map<String, Stats>> groups = summary.groups().get(key);
    if (groups == null) {
      throw new IllegalArgumentException(
          "no key '" + key + "' in the summary; keys are " + summary.groups().keySet());
    }
    BufferedImage top = means(groups, key, column, unit);
    BufferedImage bottom = distribution(summary, column, unit);
    BufferedImage sheet =
        new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.dispose();
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ImageIO.write(sheet, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
    }
  }

  private static BufferedImage means(
      Map<String, Map<String, Stats>> groups, String key, String column, String unit) {
    List<String> names = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> spreads = new ArrayList<>();
    long rows = 0;
    for (Map.Entry<String, Map<String, Stats>> group : groups.entrySet()) {
      Stats s = group.getValue().get(column);
      if (s != null) {
        names.add(group.getKey());
        means.add(s.mean());
        spreads.add(s.stddev());
        rows += s.n();
      }
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(520)
            .title(
                String.format(
                    "Mean %s by %s (error bars: ±1 standard deviation, %,d values)",
                    column, key, rows))
            .xAxisTitle(key)
            .yAxisTitle(column + " (" + unit + ")")
            .build();
    style(chart);
    chart.addSeries("mean " + column, names, means, spreads).setFillColor(BARS);
    return BitmapEncoder.getBufferedImage(chart);
  }

  private static BufferedImage distribution(Summary summary, String column, String unit) {
    Stats all = summary.overall().get(column);
    Query.Measure measure =
        summary.query().measures().stream()
            .filter(m -> m.column().equals(column))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no measure '" + column + "'"));
    List<String> edges = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (int bin = 0; bin < measure.bins(); bin++) {
      edges.add(Cells.format(measure.edge(bin)));
      counts.add(all.histogram()[bin]);
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(380)
            .title(
                String.format(
                    "Distribution of %s (mean %.1f, sd %.1f, min %s, max %s; ends include outliers)",
                    column,
                    all.mean(),
                    all.stddev(),
                    Cells.format(all.min()),
                    Cells.format(all.max())))
            .xAxisTitle(column + " (" + unit + "), lower bin edge")
            .yAxisTitle("count")
            .build();
    style(chart);
    chart.getStyler().setAvailableSpaceFill(0.95);
    chart.getStyler().setXAxisLabelRotation(measure.bins() > 30 ? 90 : 0);
    chart.addSeries("count", edges, counts).setFillColor(DISTRIBUTION);
    return BitmapEncoder.getBufferedImage(chart);
  }

  private static void style(CategoryChart chart) {
    Styler styler = chart.getStyler();
    styler.setLegendVisible(false);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(new Color(0xF7F7F7));
    styler.setPlotBorderVisible(false);
    styler.setChartTitleBoxVisible(false);
    styler.setAntiAlias(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0.#");
  }
}
