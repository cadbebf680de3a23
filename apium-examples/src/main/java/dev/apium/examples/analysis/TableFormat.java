package dev.apium.examples.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The table formats the analysis reads: CSV with a header line, JSON lines (one object per line)
 * and a JSON array of objects. Chosen by extension, {@code .json} by its first character.
 * Stateless.
 */
public enum TableFormat {
  CSV("csv"),
  JSON_LINES("jsonl"),
  JSON_ARRAY("json");

  private final String id;

  TableFormat(String id) {
    this.id = id;
  }

  /** The name carried in a {@link ChunkRef}. */
  public String id() {
    return id;
  }

  public static TableFormat byId(String id) {
    for (TableFormat f : values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown table format '" + id + "': csv, jsonl or json");
  }

  /** The format of {@code table}: by extension, and for {@code .json} by its first character. */
  public static TableFormat of(Path table) {
    String name = table.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return JSON_LINES;
    }
    if (name.endsWith(".json")) {
      return firstCharacter(table) == '[' ? JSON_ARRAY : JSON_LINES;
    }
    throw new IllegalArgumentException(
        "table "
            + table
            + ": use a .csv file with a header line, a .jsonl file (one object per line) or a"
            + " .json array of objects");
  }

  private static int firstCharacter(Path table) {
    try (InputStream in = Files.newInputStream(table)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0xEF || b == 0xBB
          || b == 0xBF);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + table + ": " + e.getMessage(), e);
    }
  }
}
