package dev.apium.examples.analysis;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cheap first pass over a table: scans its bytes once, without parsing values, to find where
 * every chunk of {@code chunkRows} rows starts and ends (CSV quotes, JSON strings and nesting are
 * followed, so a newline or brace inside a value never splits a row). The result is the chunk count
 * a streaming chord must declare up front and the {@link ChunkRef}s workers read by reference.
 * Memory is one small record per chunk. Called on the client thread.
 *
 * @param file the table
 * @param format its format
 * @param columns CSV header names (empty for JSON)
 * @param rows rows in the table
 * @param chunks the chunks, in table order
 */
public record TableIndex(
    Path file, TableFormat format, List<String> columns, long rows, List<ChunkRef> chunks) {
  private static final int BUFFER = 1 << 20;

  /**
   * Scans {@code table} and cuts it into chunks of {@code chunkRows} rows (the last may be short).
   */
  public static TableIndex scan(Path table, int chunkRows) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1 row, got " + chunkRows);
    }
    TableFormat format = TableFormat.of(table);
    try (InputStream in = Files.newInputStream(table)) {
      Scanner scanner = new Scanner(table, format, chunkRows);
      scanner.run(in);
      return new TableIndex(
          table, format, scanner.columns, scanner.rowsTotal, List.copyOf(scanner.chunks));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The byte-level state machine; one per scan. */
  private static final class Scanner {
    final Path table;
    final TableFormat format;
    final int chunkRows;
    final List<ChunkRef> chunks = new ArrayList<>();
    List<String> columns = List.of();
    long rowsTotal;
    long line = 1;
    long rowStart = -1;
    long rowStartLine;
    long previousEndLine;
    boolean inText;
    boolean escape;
    int depth;
    long chunkStart;
    long chunkEnd;
    long chunkFirstLine;
    long chunkFirstRow;
    int chunkSize;
    boolean chunkOneRowPerLine = true;
    ByteArrayOutputStream header;

    Scanner(Path table, TableFormat format, int chunkRows) {
      this.table = table;
      this.format = format;
      this.chunkRows = chunkRows;
      this.header = format == TableFormat.CSV ? new ByteArrayOutputStream() : null;
    }

    void run(InputStream in) throws IOException {
      byte[] buffer = new byte[BUFFER];
      long base = 0;
      for (int n; (n = in.read(buffer)) > 0; base += n) {
        for (int i = 0; i < n; i++) {
          step(buffer[i], base + i);
        }
      }
      if (header != null) {
        throw new IllegalArgumentException("table " + table + " has no header line");
      }
      if (rowStart >= 0 && format != TableFormat.JSON_ARRAY) {
        rowEnd(base, line);
      }
      if (chunkSize > 0) {
        emit();
      }
    }

    private void step(byte b, long pos) {
      switch (format) {
        case CSV -> csv(b, pos);
        case JSON_LINES -> jsonLine(b, pos);
        case JSON_ARRAY -> jsonArray(b, pos);
      }
      if (b == '\n') {
        line++;
      }
    }

    private void csv(byte b, long pos) {
      if (header != null) {
        if (b == '"') {
          inText = !inText;
        }
        if (b == '\n' && !inText) {
          columns = headerColumns(header.toByteArray());
          header = null;
        } else {
          header.write(b);
        }
        return;
      }
      if (rowStart < 0 && b != '\n' && b != '\r') {
        rowStart(pos);
      }
      if (b == '"') {
        inText = !inText;
      } else if (b == '\n' && !inText && rowStart >= 0) {
        rowEnd(pos + 1, line);
      }
    }

    private void jsonLine(byte b, long pos) {
      if (rowStart < 0 && b != '\n' && b != '\r' && b != ' ' && b != '\t') {
        rowStart(pos);
      } else if (b == '\n' && rowStart >= 0) {
        rowEnd(pos + 1, line);
      }
    }

    private void jsonArray(byte b, long pos) {
      if (inText) {
        if (escape) {
          escape = false;
        } else if (b == '\\') {
          escape = true;
        } else if (b == '"') {
          inText = false;
        }
        return;
      }
      if (b == '"') {
        inText = true;
      } else if (b == '{' || b == '[') {
        depth++;
        if (b == '{' && depth == 2) {
          rowStart(pos);
        }
      } else if (b == '}' || b == ']') {
        depth--;
        if (b == '}' && depth == 1) {
          rowEnd(pos + 1, line);
        }
      }
    }

    private void rowStart(long pos) {
      rowStart = pos;
      rowStartLine = line;
    }

    private void rowEnd(long end, long endLine) {
      if (chunkSize == 0) {
        chunkStart = rowStart;
        chunkFirstLine = rowStartLine;
        chunkFirstRow = rowsTotal;
        chunkOneRowPerLine = true;
      }
      boolean ownLine = endLine == rowStartLine && rowStartLine > previousEndLine;
      chunkOneRowPerLine &= ownLine;
      previousEndLine = endLine;
      chunkEnd = end;
      chunkSize++;
      rowsTotal++;
      rowStart = -1;
      if (chunkSize == chunkRows) {
        emit();
      }
    }

    private void emit() {
      chunks.add(
          new ChunkRef(
              table.toAbsolutePath().toString(),
              format.id(),
              columns,
              chunkStart,
              chunkEnd,
              chunkFirstRow,
              chunkFirstLine,
              chunkSize,
              chunkOneRowPerLine));
      chunkSize = 0;
    }

    private List<String> headerColumns(byte[] line) {
      try (MappingIterator<List<String>> it =
          new CsvMapper()
              .readerForListOf(String.class)
              .with(CsvSchema.emptySchema())
              .with(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY)
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
  }
}
