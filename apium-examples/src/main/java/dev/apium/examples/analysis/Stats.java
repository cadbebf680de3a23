package dev.apium.examples.analysis;

/**
 * Statistics of one numeric column over some rows, in a mergeable form: count, sum, mean and {@code
 * m2} (the sum of squared deviations from the mean), min, max and histogram counts. Two partial
 * results merge with Chan et al.'s parallel formula, so chunks can be analysed anywhere and
 * combined in any order. Immutable value.
 */
public record Stats(
    long n, double sum, double mean, double m2, double min, double max, long[] histogram) {

  /** Sample variance ({@code m2 / (n - 1)}), 0 for fewer than two values. */
  public double variance() {
    return n > 1 ? m2 / (n - 1) : 0.0;
  }

  public double stddev() {
    return Math.sqrt(variance());
  }

  /** Both together: counts, sums and histograms add; mean and m2 combine by Chan et al. */
  public Stats merge(Stats other) {
    long count = n + other.n;
    double delta = other.mean - mean;
    double mergedMean = mean + delta * other.n / count;
    double mergedM2 = m2 + other.m2 + delta * delta * ((double) n * other.n / count);
    long[] counts = histogram.clone();
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.histogram[i];
    }
    return new Stats(
        count,
        sum + other.sum,
        mergedMean,
        mergedM2,
        Math.min(min, other.min),
        Math.max(max, other.max),
        counts);
  }

  /** Accumulates values one at a time (Welford's update). Not thread-safe. */
  static final class Accumulator {
    private final Query.Measure measure;
    private final long[] histogram;
    private long n;
    private double sum;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    Accumulator(Query.Measure measure) {
      this.measure = measure;
      this.histogram = new long[measure.bins()];
    }

    void add(double x) {
      n++;
      sum += x;
      double delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
      min = Math.min(min, x);
      max = Math.max(max, x);
      histogram[measure.bin(x)]++;
    }

    Stats toStats() {
      return new Stats(n, sum, mean, m2, min, max, histogram.clone());
    }
  }
}
