package dev.apium.examples.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-threaded answer the chord must match, computed the textbook way: collect each cell's
 * values, then count, sum, mean, two-pass variance, min, max and histogram.
 */
final class Reference {
  long n;
  double sum;
  double mean;
  double variance;
  double min;
  double max;
  long[] histogram;

  static Map<String, Reference> compute(List<Map<String, Object>> rows, Query query) {
    Map<String, List<Double>> values = new HashMap<>();
    Map<String, Query.Measure> measures = new HashMap<>();
    for (Map<String, Object> row : rows) {
      for (Query.Measure m : query.measures()) {
        Object cell = row.get(m.column());
        if (cell == null || cell.toString().isBlank()) {
          continue;
        }
        double x = Double.parseDouble(cell.toString());
        List<String> cells = new ArrayList<>(List.of("(all)/(all)/" + m.column()));
        for (Query.Key key : query.keys()) {
          cells.add(key.name() + "/" + group(key, row.get(key.column())) + "/" + m.column());
        }
        for (String c : cells) {
          values.computeIfAbsent(c, k -> new ArrayList<>()).add(x);
          measures.put(c, m);
        }
      }
    }
    Map<String, Reference> out = new HashMap<>();
    values.forEach((cell, xs) -> out.put(cell, of(xs, measures.get(cell))));
    return out;
  }

  private static String group(Query.Key key, Object cell) {
    String text = cell.toString();
    switch (key.as()) {
      case "value":
        return text;
      case "year":
        return text.substring(0, 4);
      case "floor":
        return Long.toString((long) Math.floor(Double.parseDouble(text)));
      default:
        long width = Long.parseLong(key.as().substring("band:".length()));
        long lower = (long) Math.floor(Double.parseDouble(text) / width) * width;
        return lower + "-" + (lower + width);
    }
  }

  private static Reference of(List<Double> xs, Query.Measure m) {
    Reference r = new Reference();
    r.n = xs.size();
    r.min = Double.POSITIVE_INFINITY;
    r.max = Double.NEGATIVE_INFINITY;
    r.histogram = new long[m.bins()];
    for (double x : xs) {
      r.sum += x;
      r.min = Math.min(r.min, x);
      r.max = Math.max(r.max, x);
      int bin = (int) Math.floor((x - m.low()) / (m.high() - m.low()) * m.bins());
      r.histogram[Math.max(0, Math.min(m.bins() - 1, bin))]++;
    }
    r.mean = r.sum / r.n;
    double squares = 0;
    for (double x : xs) {
      squares += (x - r.mean) * (x - r.mean);
    }
    r.variance = r.n > 1 ? squares / (r.n - 1) : 0;
    return r;
  }
}
