package dev.apium.examples.demo;

import dev.apium.examples.analysis.Analysis;
import dev.apium.examples.analysis.Query;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the demo runs on and how: the user's own table and folder of pictures (or the synthetic ones
 * when absent), the query over the table, which examples to run, and whether chunks and pictures
 * travel by reference (workers share the storage) or inline. Immutable value.
 *
 * @param table a CSV, JSON-lines or JSON-array table, or null for the synthetic flights
 * @param query what to compute over {@code table}, or null for the flights query
 * @param pictures a folder of pictures, or null for the synthetic ones
 * @param byReference send chunks and pictures as paths workers read themselves
 * @param chunkRows rows per chunk inline
 * @param chunkBytes bytes of table per chunk by reference, 0 for automatic
 * @param window chunks or pictures in flight at most
 * @param analysis run the analysis
 * @param images run the image batch
 * @param alone compute the analysis in this process on one thread, without a broker (a baseline)
 */
public record DemoInputs(
    Path table,
    Query query,
    Path pictures,
    boolean byReference,
    int chunkRows,
    long chunkBytes,
    int window,
    boolean analysis,
    boolean images,
    boolean alone) {

  /** The synthetic inputs, inline, both examples. */
  public static final DemoInputs SYNTHETIC =
      new DemoInputs(
          null, null, null, false, 5_000, Analysis.AUTO_CHUNK_BYTES, 32, true, true, false);

  public DemoInputs {
    if (chunkRows < 1 || chunkBytes < 0 || window < 1) {
      throw new IllegalArgumentException("chunk rows and window must be at least 1");
    }
    if (table != null && !Files.isRegularFile(table)) {
      throw new IllegalArgumentException(
          "table " + table + " is not a file: give a .csv, .jsonl" + " or .json table");
    }
    if (pictures != null && !Files.isDirectory(pictures)) {
      throw new IllegalArgumentException(
          "pictures " + pictures + " is not a folder: give a folder of .png/.jpg files");
    }
    if (table != null && query == null) {
      throw new IllegalArgumentException(
          "table " + table + ": say what to compute with --measure COLUMN:LOW:HIGH[:BINS]");
    }
  }

  /** The picture files of {@code folder} (png, jpg, jpeg, gif, bmp), sorted by name. */
  public static List<Path> pictureFiles(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f ->
                  f.getFileName()
                      .toString()
                      .toLowerCase(Locale.ROOT)
                      .matches(".*\\.(png|jpe?g|gif|bmp)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list pictures in " + folder + ": " + e, e);
    }
  }
}
