package dev.apium.examples.analysis;

import java.nio.file.Path;

/** Lets tests outside this package check an answer against the single-threaded reference. */
public final class SharedTables {
  private SharedTables() {}

  public static void assertMatchesReference(Summary answer, Path table, Query query) {
    AnalysisTest.assertMatches(answer, Reference.compute(Tables.read(table), query), true);
  }
}
