package dev.apium.examples.analysis;

import dev.apium.Task;
import java.util.List;
import java.util.Map;

/**
 * The analysis tasks: {@code analysis.partial} summarises one chunk of rows (a chord header) and
 * {@code analysis.merge} combines the partial summaries (the chord body, which receives the
 * header's results as its first argument). Stateless; runs on worker pool threads.
 */
public final class AnalysisTasks {

  /** Statistics of one chunk of rows (JSON objects: column name to number or text). */
  @Task("analysis.partial")
  public Summary partial(List<Map<String, Object>> rows, Query query) {
    return Summary.of(rows, query);
  }

  /** The whole table's answer from the chunks' partial summaries. */
  @Task("analysis.merge")
  public Summary merge(List<Summary> partials) {
    return Summary.merge(partials);
  }
}
