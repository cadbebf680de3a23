package dev.apium.examples.analysis;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.apium.TaskError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * Parses the rows of one {@link ChunkRef}'s bytes, the same way whoever reads them (the client in
 * inline mode, a worker by reference): CSV against the header's column names, JSON lines as a
 * sequence of objects, a slice of a JSON array wrapped back into an array. A row that cannot be
 * parsed fails with a {@code ValueError} naming the file and line. Stateless; any thread.
 */
public final class Slices {
  private static final ObjectReader JSON = new ObjectMapper().readerForMapOf(Object.class);
  private static final CsvMapper CSV = new CsvMapper();

  private Slices() {}

  /**
   * Reads the chunk with the reader for its path and hands each row with its index in the chunk.
   */
  public static void forEachRow(ChunkRef ref, ObjIntConsumer<Map<String, Object>> row) {
    if (ref.rows() == 0 && ref.start() == ref.end()) {
      return; // a byte window in which no row starts: nothing to read
    }
    try (InputStream in =
        ChunkReader.forPath(ref.path()).open(ref.path(), ref.start(), ref.end())) {
      forEachRow(ref, in, row);
    } catch (IOException e) {
      throw new TaskError(
          "OSError",
          "cannot read "
              + ref.where(0)
              + " (chunk bytes "
              + ref.start()
              + "-"
              + ref.end()
              + "): "
              + e.getMessage());
    }
  }

  /** Every row of the chunk at once (the client's inline mode). */
  public static List<Map<String, Object>> rows(ChunkRef ref) {
    List<Map<String, Object>> rows = new ArrayList<>(ref.rows());
    forEachRow(ref, (r, i) -> rows.add(r));
    return rows;
  }

  static void forEachRow(ChunkRef ref, InputStream in, ObjIntConsumer<Map<String, Object>> row)
      throws IOException {
    int index = 0;
    try (MappingIterator<Map<String, Object>> it = open(ref, in)) {
      while (true) {
        Map<String, Object> next;
        try {
          if (!it.hasNextValue()) {
            break;
          }
          next = it.nextValue();
        } catch (IOException | RuntimeException e) {
          throw new TaskError(
              "ValueError", ref.where(index) + ": cannot parse the row: " + firstLine(e));
        }
        row.accept(next, index++);
      }
    }
    if (index != ref.rows()) {
      throw new TaskError(
          "ValueError",
          ref.where(0)
              + ": the chunk holds "
              + index
              + " rows, not the "
              + ref.rows()
              + " indexed: was the table changed after it was sent?");
    }
  }

  private static MappingIterator<Map<String, Object>> open(ChunkRef ref, InputStream in)
      throws IOException {
    return switch (TableFormat.byId(ref.format())) {
      case CSV -> {
        CsvSchema.Builder schema = CsvSchema.builder();
        ref.columns().forEach(schema::addColumn);
        yield CSV.readerForMapOf(Object.class)
            .with(schema.build().withStrictHeaders(false))
            .with(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .readValues(in);
      }
      case JSON_LINES -> JSON.readValues(in);
      case JSON_ARRAY ->
          JSON.readValues(
              new SequenceInputStream(
                  new SequenceInputStream(new ByteArrayInputStream(new byte[] {'['}), in),
                  new ByteArrayInputStream(new byte[] {']'})));
    };
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
