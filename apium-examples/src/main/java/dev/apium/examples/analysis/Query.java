package dev.apium.examples.analysis;

import java.util.List;

/**
 * What to compute over a table: statistics of some numeric columns ({@link Measure}), overall and
 * per group for each {@link Key}. Travels in every chunk's message. Immutable value.
 *
 * @param measures numeric columns with their histogram ranges
 * @param keys groupings, each computed separately (not crossed)
 */
public record Query(List<Measure> measures, List<Key> keys) {

  /**
   * A numeric column and its histogram: {@code bins} equal bins over {@code [low, high)}; values
   * outside fall into the first or last bin.
   */
  public record Measure(String column, double low, double high, int bins) {
    public Measure {
      if (!(high > low) || bins < 1) {
        throw new IllegalArgumentException(
            "measure '" + column + "': need low < high and bins >= 1");
      }
    }

    int bin(double value) {
      int bin = (int) Math.floor((value - low) / (high - low) * bins);
      return Math.max(0, Math.min(bins - 1, bin));
    }

    /** The lower edge of {@code bin}. */
    public double edge(int bin) {
      return low + (high - low) * bin / bins;
    }
  }

  /**
   * A grouping named {@code name}, taken from {@code column} as: {@code value} (the text as is),
   * {@code floor} (the integer part, e.g. the hour of 13.5), {@code band:W} (bands of width W, e.g.
   * {@code band:500} puts 742 in {@code 500-1000}), or {@code year} (of an ISO date).
   */
  public record Key(String name, String column, String as) {
    public Key {
      if (!as.equals("value")
          && !as.equals("floor")
          && !as.equals("year")
          && !as.matches("band:[0-9.]+")) {
        throw new IllegalArgumentException(
            "key '" + name + "': as must be value, floor, year or band:<width>, not '" + as + "'");
      }
    }

    /** The group a cell falls in, or {@code (missing)}. */
    String groupOf(Object cell) {
      if (cell == null || cell.toString().isBlank()) {
        return "(missing)";
      }
      if (as.equals("value")) {
        return cell.toString();
      }
      if (as.equals("year")) {
        return cell.toString().substring(0, Math.min(4, cell.toString().length()));
      }
      double x = Cells.number(cell, column);
      if (as.equals("floor")) {
        return Long.toString((long) Math.floor(x));
      }
      double width = Double.parseDouble(as.substring("band:".length()));
      double lower = Math.floor(x / width) * width;
      return Cells.format(lower) + "-" + Cells.format(lower + width);
    }
  }
}
