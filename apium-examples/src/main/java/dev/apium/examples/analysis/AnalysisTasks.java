package dev.apium.examples.analysis;

import dev.apium.Task;
import dev.apium.TaskError;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * The analysis tasks: {@code analysis.partial} summarises one chunk of rows (a chord header) and
 * {@code analysis.chunk} does the same for a {@link TableChunk} (inline or by reference), and
 * {@code analysis.merge} combines the partial summaries (the chord body, which receives the
 * header's results as its first argument). Stateless; runs on worker pool threads.
 */
public final class AnalysisTasks {

  /** Statistics of one chunk of rows (JSON objects: column name to number or text). */
  @Task("analysis.partial")
  public Summary partial(List<Map<String, Object>> rows, Query query) {
    return Summary.of(rows, query);
  }

  /**
   * Statistics of one chunk, its rows in the message or read by reference from storage the worker
   * shares; a bad row fails this chunk only, naming its file and line.
   */
  @Task("analysis.chunk")
  public Summary chunk(TableChunk chunk, Query query) {
    Summary.Builder builder = new Summary.Builder(query);
    ObjIntConsumer<Map<String, Object>> add =
        (row, index) -> {
          try {
            builder.add(row);
          } catch (IllegalArgumentException e) {
            throw new TaskError("ValueError", chunk.ref().where(index) + ": " + e.getMessage());
          }
        };
    if (chunk.rows() != null) {
      for (int i = 0; i < chunk.rows().size(); i++) {
        add.accept(chunk.rows().get(i), i);
      }
    } else {
      Slices.forEachRow(chunk.ref(), add);
    }
    return builder.build();
  }

  /** The whole table's answer from the chunks' partial summaries. */
  @Task("analysis.merge")
  public Summary merge(List<Summary> partials) {
    return Summary.merge(partials);
  }
}
