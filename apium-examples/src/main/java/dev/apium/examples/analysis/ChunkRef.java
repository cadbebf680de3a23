package dev.apium.examples.analysis;

import java.util.List;

/**
 * Where one chunk of a table lives: the file (a local path or a URL a {@link ChunkReader} knows),
 * the byte range holding its rows, and where they sit in the table, so a worker that shares the
 * storage reads only its own slice and errors name the file and line. Made by {@link TableIndex};
 * travels in the chunk's message. Immutable value.
 *
 * @param path the table's path or URL
 * @param format {@code csv}, {@code jsonl} or {@code json} (an array of objects)
 * @param columns the CSV header's column names (empty for JSON)
 * @param start byte offset of the chunk's first row
 * @param end byte offset just after its last row
 * @param firstRow 0-based index of its first row in the table
 * @param firstLine 1-based line of its first row
 * @param rows how many rows it holds
 * @param oneRowPerLine true when each row is exactly one line, so row {@code i} is at line {@code
 *     firstLine + i}
 */
public record ChunkRef(
    String path,
    String format,
    List<String> columns,
    long start,
    long end,
    long firstRow,
    long firstLine,
    int rows,
    boolean oneRowPerLine) {

  /** "flights.csv line 35,124" or, when lines do not map to rows, "flights.json row 35,123". */
  public String where(int index) {
    String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    return oneRowPerLine
        ? String.format("%s line %d", name, firstLine + index)
        : String.format("%s row %d", name, firstRow + index + 1);
  }
}
