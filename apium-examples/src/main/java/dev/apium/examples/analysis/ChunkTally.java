package dev.apium.examples.analysis;

import java.util.List;

/**
 * The running bookkeeping of the chunk being cut from a scan: where its first row starts and its
 * last ends, its first row's index and line, how many rows it holds, whether each sits on a line of
 * its own, and the table's row count so far. Both ways of cutting use it: by rows ({@link
 * TableIndex}) and by byte windows ({@link ByteWindows}). Owned by one scan, on its thread.
 */
final class ChunkTally {
  private final String path;
  private final TableFormat format;
  private long rowsTotal;
  private long previousEndLine;
  private long start;
  private long end;
  private long firstLine = 1;
  private long firstRow;
  private int rows;
  private boolean oneRowPerLine = true;

  ChunkTally(String path, TableFormat format) {
    this.path = path;
    this.format = format;
  }

  /** Adds the row found at bytes {@code [rowStart, rowEnd)}, lines {@code startLine..endLine}. */
  void add(long rowStart, long rowEnd, long startLine, long endLine) {
    if (rows == 0) {
      start = rowStart;
      firstLine = startLine;
      firstRow = rowsTotal;
      oneRowPerLine = true;
    }
    oneRowPerLine &= endLine == startLine && startLine > previousEndLine;
    previousEndLine = endLine;
    end = rowEnd;
    rows++;
    rowsTotal++;
  }

  int rows() {
    return rows;
  }

  long rowsTotal() {
    return rowsTotal;
  }

  /** The line after the last row seen: where rows resume after an empty chunk. */
  long nextLine() {
    return previousEndLine + 1;
  }

  /**
   * The chunk so far, and a fresh one begun. An empty chunk is placed at byte {@code emptyAt} and
   * line {@code emptyLine}, where rows resume.
   */
  ChunkRef take(List<String> columns, long emptyAt, long emptyLine) {
    if (rows == 0) {
      start = emptyAt;
      end = emptyAt;
      firstRow = rowsTotal;
      firstLine = emptyLine;
      oneRowPerLine = true;
    }
    ChunkRef chunk =
        new ChunkRef(
            path, format.id(), columns, start, end, firstRow, firstLine, rows, oneRowPerLine);
    rows = 0;
    return chunk;
  }
}
