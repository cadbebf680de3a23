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

/** The byte-level first pass cuts tables at row boundaries only, whatever the values hold. */
class TableIndexTest {

  @Test
  void csvQuotedNewlinesAndCommasStayInsideTheirRow(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("notes.csv");
    Files.writeString(
        csv, "id,note\n1,plain\n2,\"two\nlines, and a comma\"\n\n3,\"say \"\"hi\"\"\"\n4,last");

    TableIndex index = TableIndex.scan(csv, 2);

    assertThat(index.columns()).containsExactly("id", "note");
    assertThat(index.rows()).isEqualTo(4);
    assertThat(index.chunks()).extracting(ChunkRef::rows).containsExactly(2, 2);
    assertThat(index.chunks().get(0).oneRowPerLine()).isFalse();
    List<Map<String, Object>> rows = new ArrayList<>();
    index.chunks().forEach(ref -> rows.addAll(Slices.rows(ref)));
    assertThat(rows)
        .extracting(r -> r.get("note"))
        .containsExactly("plain", "two\nlines, and a comma", "say \"hi\"", "last");
    assertThat(index.chunks().get(1).where(0)).isEqualTo("notes.csv line 6");
  }

  @Test
  void jsonArrayBracesAndQuotesInsideStringsDoNotSplitRows(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("t.json");
    Files.writeString(
        json,
        "[{\"a\": 1, \"s\": \"}{\\\"\"},\n {\"a\": 2, \"nested\": {\"x\": [1, {\"y\": 2}]}},"
            + " {\"a\": 3}]");

    TableIndex index = TableIndex.scan(json, 2);

    assertThat(index.format()).isEqualTo(TableFormat.JSON_ARRAY);
    assertThat(index.rows()).isEqualTo(3);
    List<Object> as = new ArrayList<>();
    index.chunks().forEach(ref -> Slices.rows(ref).forEach(r -> as.add(r.get("a"))));
    assertThat(as).containsExactly(1, 2, 3);
    assertThat(index.chunks().get(1).where(0)).isEqualTo("t.json row 3");
  }

  @Test
  void aRowThatCannotBeParsedNamesItsFileAndLine(@TempDir Path dir) throws IOException {
    Path jsonl = dir.resolve("t.jsonl");
    Files.writeString(jsonl, "{\"a\": 1}\n{\"a\": 2}\n{\"a\": oops}\n");

    ChunkRef only = TableIndex.scan(jsonl, 10).chunks().get(0);

    assertThatThrownBy(() -> Slices.rows(only))
        .isInstanceOf(TaskError.class)
        .hasMessageStartingWith("t.jsonl line 3: cannot parse the row: ");
  }
}
