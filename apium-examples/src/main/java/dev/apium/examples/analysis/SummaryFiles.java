package dev.apium.examples.analysis;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Summary} as the numbers people open in a spreadsheet or a notebook: one line per
 * (key, group, column) with count, sum, mean, standard deviation, min and max, as CSV, and the same
 * lines with their histograms as JSON. Stateless; called on the client thread.
 */
public final class SummaryFiles {
  private static final String ALL = "(all)";

  private SummaryFiles() {}

  /** One statistics line; {@code key} and {@code group} are {@code (all)} for the whole table. */
  @JsonPropertyOrder({"key", "group", "column", "n", "sum", "mean", "stddev", "min", "max"})
  public record Line(
      String key,
      String group,
      String column,
      long n,
      double sum,
      double mean,
      double stddev,
      double min,
      double max,
      long[] histogram) {
    static Line of(String key, String group, String column, Stats s) {
      return new Line(
          key,
          group,
          column,
          s.n(),
          s.sum(),
          s.mean(),
          s.stddev(),
          s.min(),
          s.max(),
          s.histogram());
    }
  }

  /** The overall lines first, then each key's groups in natural order. */
  public static List<Line> lines(Summary summary) {
    List<Line> lines = new ArrayList<>();
    summary.overall().forEach((column, s) -> lines.add(Line.of(ALL, ALL, column, s)));
    summary
        .groups()
        .forEach(
            (key, byGroup) ->
                byGroup.forEach(
                    (group, byColumn) ->
                        byColumn.forEach(
                            (column, s) -> lines.add(Line.of(key, group, column, s)))));
    return lines;
  }

  public static void writeCsv(Summary summary, Path file) {
    CsvMapper csv = new CsvMapper();
    CsvSchema schema =
        CsvSchema.builder()
            .addColumn("key")
            .addColumn("group")
            .addColumn("column")
            .addNumberColumn("n")
            .addNumberColumn("sum")
            .addNumberColumn("mean")
            .addNumberColumn("stddev")
            .addNumberColumn("min")
            .addNumberColumn("max")
            .build()
            .withHeader();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      csv.writer(schema)
          .with(JsonGenerator.Feature.IGNORE_UNKNOWN)
          .with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
          .writeValue(file.toFile(), lines(summary));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code {"rows": N, "measures": [...], "keys": [...], "statistics": [lines]}}. */
  public static void writeJson(Summary summary, Path file) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("rows", summary.rows());
    document.put("measures", summary.query().measures());
    document.put("keys", summary.query().keys());
    document.put("statistics", lines(summary));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance);
      new ObjectMapper().writer(printer).writeValue(file.toFile(), document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
