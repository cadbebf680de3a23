package dev.apium.examples.analysis;

import java.util.List;
import java.util.Map;

/**
 * One chunk of a table as sent to {@code analysis.chunk}: always where it lives ({@link ChunkRef},
 * for error messages and by-reference reads), and its rows too in inline mode, for workers that
 * share no storage with the client. Immutable value.
 *
 * @param ref where the rows are in the table
 * @param rows the rows themselves, or null when the worker reads them by reference
 */
public record TableChunk(ChunkRef ref, List<Map<String, Object>> rows) {

  public static TableChunk byReference(ChunkRef ref) {
    return new TableChunk(ref, null);
  }

  public static TableChunk inline(ChunkRef ref) {
    return new TableChunk(ref, Slices.rows(ref));
  }
}
