package dev.apium.examples.analysis;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds where every row of a table starts and ends by stepping through its bytes once, without
 * parsing values: CSV quotes (a newline or comma inside quotes stays in its row), JSON strings
 * (braces and escaped quotes inside them) and nesting are followed. One tight loop per format over
 * each buffer, its state in locals, skipping the bytes that cannot end or start a row; each row is
 * handed to a {@link Rows} callback with its byte range and lines. Reads at most the size the file
 * had when the scanner was made. One scan per instance, on one thread.
 */
final class RowScanner {
  /** Receives each row in table order. */
  interface Rows {
    /**
     * One row: bytes {@code [start, end)}, starting on line {@code startLine} and ending on {@code
     * endLine} (1-based).
     */
    void row(long start, long end, long startLine, long endLine);
  }

  private static final int BUFFER = 1 << 20;
  // Bytes that matter outside / inside a JSON string; every other byte is skipped in a tight loop.
  private static final boolean[] JSON_OUTSIDE = table("\"{}[]\n");
  private static final boolean[] JSON_INSIDE = table("\"\\\n");

  private final Path table;
  private final TableFormat format;
  private final long size;
  private final Rows rows;
  private List<String> columns = List.of();

  // Scan state carried from one buffer to the next.
  private long line = 1;
  private long rowStart = -1;
  private long rowStartLine;
  private boolean inText;
  private boolean escape;
  private int depth;
  private ByteArrayOutputStream header;

  RowScanner(Path table, TableFormat format, Rows rows) {
    this.table = table;
    this.format = format;
    this.rows = rows;
    try {
      this.size = Files.size(table);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + table + ": " + e.getMessage(), e);
    }
    this.header = format == TableFormat.CSV ? new ByteArrayOutputStream() : null;
  }

  /** The file's size when the scan began: the scan reads no further. */
  long size() {
    return size;
  }

  /** The CSV header's column names once the header line has been read (empty for JSON). */
  List<String> columns() {
    return columns;
  }

  /** Reads the table once, calling back for every row. */
  void scan() {
    byte[] buffer = new byte[BUFFER];
    long base = 0;
    try (InputStream in = Files.newInputStream(table)) {
      while (base < size) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - base));
        if (n <= 0) {
          break;
        }
        int from = header != null ? csvHeader(buffer, n) : 0;
        switch (format) {
          case CSV -> csv(buffer, from, n, base);
          case JSON_LINES -> jsonLines(buffer, n, base);
          case JSON_ARRAY -> jsonArray(buffer, n, base);
        }
        base += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + table + ": " + e.getMessage(), e);
    }
    if (header != null) {
      throw new IllegalArgumentException("table " + table + " has no header line");
    }
    if (rowStart >= 0 && format != TableFormat.JSON_ARRAY) {
      rows.row(rowStart, base, rowStartLine, line);
    }
  }

  /** Collects the header line; returns where the rows begin in this buffer ({@code n} if not). */
  private int csvHeader(byte[] buf, int n) {
    boolean quoted = inText;
    int i = 0;
    for (; i < n; i++) {
      byte b = buf[i];
      if (b == '"') {
        quoted = !quoted;
      } else if (b == '\n' && !quoted) {
        break;
      }
    }
    header.write(buf, 0, i);
    inText = quoted;
    if (i == n) {
      return n;
    }
    columns = headerColumns(header.toByteArray());
    header = null;
    inText = false;
    line++;
    return i + 1;
  }

  private void csv(byte[] buf, int from, int n, long base) {
    long line = this.line;
    long rowStart = this.rowStart;
    long rowStartLine = this.rowStartLine;
    boolean inText = this.inText;
    int i = from;
    while (i < n) {
      if (rowStart < 0) {
        byte b = buf[i];
        if (b == '\n') {
          line++;
          i++;
          continue;
        }
        if (b == '\r') {
          i++;
          continue;
        }
        rowStart = base + i;
        rowStartLine = line;
      }
      if (inText) {
        while (i < n && buf[i] != '"') {
          if (buf[i] == '\n') {
            line++;
          }
          i++;
        }
        if (i < n) {
          inText = false;
          i++;
        }
      } else {
        byte b = 0;
        while (i < n && (b = buf[i]) != '"' && b != '\n') {
          i++;
        }
        if (i == n) {
          break;
        }
        i++;
        if (b == '"') {
          inText = true;
        } else {
          rows.row(rowStart, base + i, rowStartLine, line);
          rowStart = -1;
          line++;
        }
      }
    }
    this.line = line;
    this.rowStart = rowStart;
    this.rowStartLine = rowStartLine;
    this.inText = inText;
  }

  private void jsonLines(byte[] buf, int n, long base) {
    long line = this.line;
    long rowStart = this.rowStart;
    long rowStartLine = this.rowStartLine;
    int i = 0;
    while (i < n) {
      if (rowStart < 0) {
        byte b = buf[i];
        if (b == '\n') {
          line++;
          i++;
          continue;
        }
        if (b == '\r' || b == ' ' || b == '\t') {
          i++;
          continue;
        }
        rowStart = base + i;
        rowStartLine = line;
      }
      while (i < n && buf[i] != '\n') {
        i++;
      }
      if (i == n) {
        break;
      }
      i++;
      rows.row(rowStart, base + i, rowStartLine, line);
      rowStart = -1;
      line++;
    }
    this.line = line;
    this.rowStart = rowStart;
    this.rowStartLine = rowStartLine;
  }

  private void jsonArray(byte[] buf, int n, long base) {
    long line = this.line;
    long rowStart = this.rowStart;
    long rowStartLine = this.rowStartLine;
    boolean inText = this.inText;
    int depth = this.depth;
    int i = 0;
    if (escape && n > 0) {
      if (buf[0] == '\n') {
        line++;
      }
      escape = false;
      i = 1;
    }
    final boolean[] outside = JSON_OUTSIDE;
    final boolean[] inside = JSON_INSIDE;
    while (i < n) {
      if (inText) {
        while (i < n && !inside[buf[i] & 0xff]) {
          i++;
        }
        if (i == n) {
          break;
        }
        byte b = buf[i++];
        if (b == '"') {
          inText = false;
        } else if (b == '\n') {
          line++;
        } else if (i < n) { // a backslash: skip the escaped byte
          if (buf[i] == '\n') {
            line++;
          }
          i++;
        } else {
          escape = true;
        }
        continue;
      }
      while (i < n && !outside[buf[i] & 0xff]) {
        i++;
      }
      if (i == n) {
        break;
      }
      byte b = buf[i++];
      switch (b) {
        case '"' -> inText = true;
        case '\n' -> line++;
        case '{' -> {
          if (++depth == 2) {
            rowStart = base + i - 1;
            rowStartLine = line;
          }
        }
        case '}' -> {
          if (--depth == 1) {
            rows.row(rowStart, base + i, rowStartLine, line);
          }
        }
        case '[' -> depth++;
        default -> depth--; // ']'
      }
    }
    this.line = line;
    this.rowStart = rowStart;
    this.rowStartLine = rowStartLine;
    this.inText = inText;
    this.depth = depth;
  }

  private List<String> headerColumns(byte[] line) {
    try (MappingIterator<List<String>> it =
        new CsvMapper()
            .readerForListOf(String.class)
            .with(CsvSchema.emptySchema())
            .with(CsvParser.Feature.WRAP_AS_ARRAY)
            .readValues(line)) {
      List<String> names = it.hasNextValue() ? it.nextValue() : List.of();
      if (names.isEmpty()) {
        throw new IllegalArgumentException("table " + table + " has an empty header line");
      }
      return names.stream().map(String::trim).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the header of " + table, e);
    }
  }

  private static boolean[] table(String bytes) {
    boolean[] t = new boolean[256];
    for (char c : bytes.toCharArray()) {
      t[c] = true;
    }
    return t;
  }
}
