package dev.apium.examples.analysis;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer for some rows of a table: {@link Stats} of each measured column overall and per group
 * of each key ({@code groups.get("hour").get("13").get("delay")}). A chunk's partial summary and
 * the whole table's answer have the same shape; {@link #merge} turns partials into the answer.
 * Immutable value; group names sort naturally (2 before 10).
 *
 * @param query what was computed
 * @param rows rows read
 * @param overall column to statistics over all rows
 * @param groups key name to group name to column to statistics
 */
public record Summary(
    Query query,
    long rows,
    Map<String, Stats> overall,
    Map<String, Map<String, Map<String, Stats>>> groups) {

  /** Analyses rows on one thread: the work of one chunk. */
  public static Summary of(List<Map<String, Object>> rows, Query query) {
    Builder builder = new Builder(query);
    rows.forEach(builder::add);
    return builder.build();
  }

  /** Accumulates rows one at a time, so a chunk need not be held whole. Not thread-safe. */
  public static final class Builder {
    private final Query query;
    private final Map<String, Stats.Accumulator> overall = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, Stats.Accumulator>>> groups =
        new LinkedHashMap<>();
    private long rows;

    public Builder(Query query) {
      this.query = query;
    }

    /** Adds one row; a cell that is not a number throws {@link IllegalArgumentException}. */
    public void add(Map<String, Object> row) {
      rows++;
      for (Query.Measure measure : query.measures()) {
        Double x = Cells.numberOrNull(row.get(measure.column()), measure.column());
        if (x == null) {
          continue;
        }
        overall.computeIfAbsent(measure.column(), c -> new Stats.Accumulator(measure)).add(x);
        for (Query.Key key : query.keys()) {
          groups
              .computeIfAbsent(key.name(), k -> new HashMap<>())
              .computeIfAbsent(key.groupOf(row.get(key.column())), g -> new LinkedHashMap<>())
              .computeIfAbsent(measure.column(), c -> new Stats.Accumulator(measure))
              .add(x);
        }
      }
    }

    public Summary build() {
      Map<String, Stats> overallStats = new LinkedHashMap<>();
      overall.forEach((column, acc) -> overallStats.put(column, acc.toStats()));
      Map<String, Map<String, Map<String, Stats>>> groupStats = new LinkedHashMap<>();
      groups.forEach(
          (key, byGroup) -> {
            Map<String, Map<String, Stats>> out = groupStats.computeIfAbsent(key, k -> sorted());
            byGroup.forEach(
                (group, byColumn) -> {
                  Map<String, Stats> columns =
                      out.computeIfAbsent(group, g -> new LinkedHashMap<>());
                  byColumn.forEach((column, acc) -> columns.put(column, acc.toStats()));
                });
          });
      return new Summary(query, rows, overallStats, groupStats);
    }
  }

  /** Combines partial summaries of disjoint rows, in any order, into one. */
  public static Summary merge(List<Summary> partials) {
    if (partials.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge: the table had no rows");
    }
    long rows = 0;
    Map<String, Stats> overall = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Stats>>> groups = new LinkedHashMap<>();
    for (Summary part : partials) {
      rows += part.rows;
      part.overall.forEach((column, stats) -> overall.merge(column, stats, Stats::merge));
      part.groups.forEach(
          (key, byGroup) ->
              byGroup.forEach(
                  (group, byColumn) ->
                      byColumn.forEach(
                          (column, stats) ->
                              groups
                                  .computeIfAbsent(key, k -> sorted())
                                  .computeIfAbsent(group, g -> new LinkedHashMap<>())
                                  .merge(column, stats, Stats::merge))));
    }
    return new Summary(partials.get(0).query, rows, overall, groups);
  }

  private static Map<String, Map<String, Stats>> sorted() {
    return new TreeMap<>(Cells.NATURAL);
  }
}
