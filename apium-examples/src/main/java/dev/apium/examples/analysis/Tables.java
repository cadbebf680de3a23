package dev.apium.examples.analysis;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a table as rows (column name to value), streaming, from a CSV file with a header line, JSON
 * lines or a JSON array of objects, and cuts it into chunks. Stateless; called on the client
 * thread.
 */
public final class Tables {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CsvMapper CSV = new CsvMapper();

  private Tables() {}

  /** Hands {@code consumer} the table's rows, {@code size} at a time; returns the row count. */
  public static long chunks(Path table, int size, Consumer<List<Map<String, Object>>> consumer) {
    long rows = 0;
    try (MappingIterator<Map<String, Object>> it = open(table)) {
      List<Map<String, Object>> chunk = new ArrayList<>(size);
      while (it.hasNextValue()) {
        chunk.add(it.nextValue());
        rows++;
        if (chunk.size() == size) {
          consumer.accept(chunk);
          chunk = new ArrayList<>(size);
        }
      }
      if (!chunk.isEmpty()) {
        consumer.accept(chunk);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + table + ": " + e.getMessage(), e);
    }
  }

  /** Every row at once (for small tables and single-threaded checks). */
  public static List<Map<String, Object>> read(Path table) {
    List<Map<String, Object>> rows = new ArrayList<>();
    chunks(table, 10_000, rows::addAll);
    return rows;
  }

  private static MappingIterator<Map<String, Object>> open(Path table) throws IOException {
    if (TableFormat.of(table) == TableFormat.CSV) {
      return CSV.readerForMapOf(Object.class)
          .with(CsvSchema.emptySchema().withHeader())
          .readValues(table.toFile());
    }
    return JSON.readerForMapOf(Object.class).readValues(table.toFile());
  }
}
