package dev.apium.examples.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cheap first pass over a table for inline chunks: scans its bytes once ({@link RowScanner}),
 * without parsing values, to find where every chunk of {@code chunkRows} rows starts and ends, so a
 * newline or brace inside a value never splits a row. The result is the chunk count a streaming
 * chord must declare up front and the {@link ChunkRef}s whose rows the client reads into each
 * message. Memory is one small record per chunk. Called on the client thread. (By reference, chunks
 * are cut by bytes while they are sent: {@link ByteWindows}.)
 *
 * @param file the table
 * @param format its format
 * @param columns CSV header names (empty for JSON)
 * @param rows rows in the table
 * @param chunks the chunks, in table order
 */
public record TableIndex(
    Path file, TableFormat format, List<String> columns, long rows, List<ChunkRef> chunks) {

  /**
   * Scans {@code table} and cuts it into chunks of {@code chunkRows} rows (the last may be short).
   */
  public static TableIndex scan(Path table, int chunkRows) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1 row, got " + chunkRows);
    }
    TableFormat format = TableFormat.of(table);
    ByRows cut = new ByRows(table, format, chunkRows);
    RowScanner scanner = new RowScanner(table, format, cut);
    cut.scanner = scanner;
    scanner.scan();
    cut.finish();
    return new TableIndex(
        table, format, scanner.columns(), cut.tally.rowsTotal(), List.copyOf(cut.chunks));
  }

  /** Cuts the rows found by the scan into chunks of {@code chunkRows}. */
  private static final class ByRows implements RowScanner.Rows {
    final int chunkRows;
    final ChunkTally tally;
    final List<ChunkRef> chunks = new ArrayList<>();
    RowScanner scanner;

    ByRows(Path table, TableFormat format, int chunkRows) {
      this.tally = new ChunkTally(table.toAbsolutePath().toString(), format);
      this.chunkRows = chunkRows;
    }

    @Override
    public void row(long start, long end, long startLine, long endLine) {
      tally.add(start, end, startLine, endLine);
      if (tally.rows() == chunkRows) {
        emit();
      }
    }

    void finish() {
      if (tally.rows() > 0) {
        emit();
      }
    }

    private void emit() {
      chunks.add(tally.take(scanner.columns(), 0, 1));
    }
  }
}
