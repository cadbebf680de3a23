package dev.apium.examples.analysis;

import java.nio.file.Path;

/** Lets tests outside this package check an answer against the single-threaded reference. */
public final class AnalysisChecks {
  private AnalysisChecks() {}

  /** {@code ints}: the measured values are whole numbers, so sums must be exactly equal too. */
  public static void assertMatchesReference(Summary answer, Path table, Query query, boolean ints) {
    AnalysisTest.assertMatches(answer, Reference.compute(Tables.read(table), query), ints);
  }
}
