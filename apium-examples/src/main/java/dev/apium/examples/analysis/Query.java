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
   * A query from command-line words: measures as {@code COLUMN:LOW:HIGH[:BINS]} (20 bins by
   * default), groupings as {@code COLUMN[:AS]} ({@code value} by default, or {@code floor}, {@code
   * year}, {@code band:W}), e.g. {@code delay:-60:240:30} and {@code time:floor}.
   */
  public static Query parse(List<String> measures, List<String> groupings) {
    if (measures.isEmpty()) {
      throw new IllegalArgumentException(
          "say what to compute: --measure COLUMN:LOW:HIGH[:BINS], e.g. --measure delay:-60:240:30");
    }
    List<Measure> ms = new java.util.ArrayList<>();
    for (String m : measures) {
      String[] parts = m.split(":");
      if (parts.length < 3 || parts.length > 4) {
        throw new IllegalArgumentException(
            "measure '" + m + "': write COLUMN:LOW:HIGH[:BINS], e.g. delay:-60:240:30");
      }
      try {
        ms.add(
            new Measure(
                parts[0],
                Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2]),
                parts.length == 4 ? Integer.parseInt(parts[3]) : 20));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "measure '" + m + "': LOW, HIGH and BINS must be numbers, e.g. delay:-60:240:30");
      }
    }
    List<Key> ks = new java.util.ArrayList<>();
    for (String g : groupings) {
      String[] parts = g.split(":", 2);
      ks.add(new Key(parts[0], parts[0], parts.length == 2 ? parts[1] : "value"));
    }
    return new Query(List.copyOf(ms), List.copyOf(ks));
  }

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
