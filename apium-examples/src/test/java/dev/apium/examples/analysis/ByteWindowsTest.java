package dev.apium.examples.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.TaskError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * By-reference chunks cut by byte windows hold, together and in order, exactly the rows a plain
 * single-threaded read finds, whatever the window size: each chunk is the rows that start in its
 * window (none for a window inside one long row), rows straddling a window's edge belong to the
 * window they start in, and quotes, newlines and braces inside values never split a row.
 */
class ByteWindowsTest {

  @Test
  void aWindowInsideOneLongRowIsAnEmptyChunk(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("long.csv");
    Files.writeString(csv, "id,note\n1,short\n2," + "x".repeat(100) + "\n3,after\n");

    List<ChunkRef> chunks = ByteWindows.all(csv, 20);

    assertThat(chunks).hasSize((int) ((Files.size(csv) + 19) / 20));
    assertThat(chunks).extracting(ChunkRef::rows).containsExactly(2, 0, 0, 0, 0, 1, 0);
    assertThat(Slices.rows(chunks.get(2))).isEmpty();
    assertSameRowsAsAPlainRead(csv, chunks, 20);
    assertThat(chunks.get(5).where(0)).isEqualTo("long.csv line 4");
  }

  @Test
  void rowsStraddlingWindowEdgesBelongToTheWindowTheyStartIn(@TempDir Path dir) throws IOException {
    Path jsonl = dir.resolve("t.jsonl");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      text.append("{\"a\": ").append(i).append(", \"pad\": \"").append("p".repeat(i % 13));
      text.append("\"}\n").append(i % 17 == 0 ? "\n" : "");
    }
    Files.writeString(jsonl, text);

    for (long bytes : List.of(1L, 7L, 29L, 64L, 1000L, 1L << 20)) {
      List<ChunkRef> chunks = ByteWindows.all(jsonl, bytes);
      assertThat(chunks)
          .as("%d-byte windows", bytes)
          .hasSize((int) ((Files.size(jsonl) + bytes - 1) / bytes));
      assertSameRowsAsAPlainRead(jsonl, chunks, bytes);
    }
  }

  @Test
  void csvQuotesHoldingNewlinesAndCommasNeverSplitARow(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("notes.csv");
    StringBuilder text = new StringBuilder("id,note\n");
    for (int i = 0; i < 60; i++) {
      text.append(i).append(",\"line one\nline, two \"\"quoted\"\"\n{three}\"\n");
    }
    Files.writeString(csv, text);

    for (long bytes : List.of(3L, 11L, 50L, 333L)) {
      assertSameRowsAsAPlainRead(csv, ByteWindows.all(csv, bytes), bytes);
    }
    List<Map<String, Object>> rows = rowsOf(ByteWindows.all(csv, 11));
    assertThat(rows).hasSize(60);
    assertThat(rows.get(59).get("note")).isEqualTo("line one\nline, two \"quoted\"\n{three}");
  }

  @Test
  void jsonStringsHoldingBracesAndEscapedQuotesNeverSplitARow(@TempDir Path dir)
      throws IOException {
    Path json = dir.resolve("t.json");
    StringBuilder text = new StringBuilder("[\n");
    for (int i = 0; i < 80; i++) {
      text.append(i == 0 ? "" : ",\n")
          .append("  {\"a\": ")
          .append(i)
          .append(", \"s\": \"}{ ] [ \\\" \\\\\", \"n\": {\"x\": [1, {\"y\": \"}\"}]}}");
    }
    Files.writeString(json, text.append("\n]\n"));

    for (long bytes : List.of(1L, 5L, 43L, 256L, 4096L)) {
      assertSameRowsAsAPlainRead(json, ByteWindows.all(json, bytes), bytes);
    }
    assertThat(rowsOf(ByteWindows.all(json, 43)).get(79).get("s")).isEqualTo("}{ ] [ \" \\");
  }

  @Test
  void aCorruptRowInAWindowNamesItsFileAndLine(@TempDir Path dir) throws IOException {
    Path jsonl = dir.resolve("t.jsonl");
    Files.writeString(jsonl, "{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": oops}\n{\"a\": 5}\n");

    List<ChunkRef> chunks = ByteWindows.all(jsonl, 12);
    ChunkRef bad =
        chunks.stream().filter(c -> c.firstLine() == 4 && c.rows() > 0).findFirst().get();

    assertThatThrownBy(() -> Slices.rows(bad))
        .isInstanceOf(TaskError.class)
        .hasMessageStartingWith("t.jsonl line 4: cannot parse the row: ");
  }

  @Test
  void aTableWithoutRowsOrHeaderIsRefusedBeforeAnythingIsSent(@TempDir Path dir)
      throws IOException {
    Path headerOnly = dir.resolve("empty.csv");
    Files.writeString(headerOnly, "id,note\n");
    Path noHeader = dir.resolve("bare.csv");
    Files.writeString(noHeader, "id,note");

    try (ByteWindows windows = ByteWindows.start(headerOnly, 4, rows -> {})) {
      assertThatThrownBy(() -> windows.awaitFirstRow(System.nanoTime() + 10_000_000_000L, "test"))
          .hasMessage("table " + headerOnly + " has no rows to analyse");
    }
    try (ByteWindows windows = ByteWindows.start(noHeader, 4, rows -> {})) {
      assertThatThrownBy(() -> windows.awaitFirstRow(System.nanoTime() + 10_000_000_000L, "test"))
          .hasMessage("table " + noHeader + " has no header line");
    }
  }

  /**
   * Every chunk's rows start in its own window, and all chunks' rows, in order, are the rows a
   * plain read of the table gives, with the same first-row indexes the rows-per-chunk index gives.
   */
  private static void assertSameRowsAsAPlainRead(Path table, List<ChunkRef> chunks, long bytes) {
    long row = 0;
    for (int i = 0; i < chunks.size(); i++) {
      ChunkRef chunk = chunks.get(i);
      assertThat(chunk.firstRow()).as("first row of chunk %d", i).isEqualTo(row);
      if (chunk.rows() > 0) {
        assertThat(chunk.start() / bytes).as("window of chunk %d", i).isEqualTo(i);
      }
      row += chunk.rows();
    }
    assertThat(rowsOf(chunks)).as("%d-byte windows", bytes).isEqualTo(Tables.read(table));
    assertThat(row).isEqualTo(TableIndex.scan(table, 1).rows());
  }

  private static List<Map<String, Object>> rowsOf(List<ChunkRef> chunks) {
    List<Map<String, Object>> rows = new ArrayList<>();
    chunks.forEach(c -> rows.addAll(Slices.rows(c)));
    return rows;
  }
}
