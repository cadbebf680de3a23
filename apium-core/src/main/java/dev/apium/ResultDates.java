package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The {@code date_done} an app writes: Celery 5.3+'s timezone-aware form in the app's {@code
 * timezone} setting (default UTC, e.g. {@code 2026-12-04T15:11:56.431910+00:00}), which Celery
 * 5.2.6 clients parse as well; or, with {@code result_date_done_naive=true}, 5.2.6's naive UTC form
 * for readers that compare it with naive datetimes. Immutable; any thread.
 */
public final class ResultDates {
  /** Apium's own: {@code true} writes 5.2.6's naive UTC {@code date_done}. */
  public static final String NAIVE = "result_date_done_naive";

  private final ZoneId zone;
  private final boolean naive;

  public ResultDates(ApiumConfig config) {
    String name = config.get("timezone", "UTC");
    try {
      this.zone = ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "timezone is '" + name + "', not a time zone: use e.g. UTC or Europe/Paris", e);
    }
    this.naive = config.getBoolean(NAIVE, false);
  }

  /** {@code date_done} for a task finished at {@code done}. */
  public String dateDone(Instant done) {
    return naive ? CeleryJson.naiveUtc(done) : CeleryJson.dateDone(done, zone);
  }

  /** A SUCCESS meta dated {@code done} in this app's form (formatted once). */
  public ResultMeta success(String taskId, JsonNode result, Instant done) {
    return new ResultMeta(
        TaskState.SUCCESS, result, null, null, dateDone(done), taskId, null, null, null);
  }

  /** {@code meta} with its {@code date_done} (if any) in this app's form. */
  public ResultMeta apply(ResultMeta meta, Instant done) {
    return naive ? meta : meta.dateDoneIn(done, zone);
  }
}
