package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retrying a failed task from the dashboard, as Sidekiq's one-click retry: the task is sent again
 * under a new id with its original name, args, kwargs and queue. Celery's events carry only the
 * arguments' repr, so the real ones are read from the result backend, where workers store them when
 * {@code result_extended=True} (Celery and Apium alike); without that, {@link #plan} says why and
 * how to turn it on. Stateless; called from HTTP threads.
 */
final class TaskRetry {
  static final String NEEDS_EXTENDED =
      "retry needs the task's real arguments from the result backend:"
          + " run the workers with result_extended=True";

  private final Apium app;

  TaskRetry(Apium app) {
    this.app = app;
  }

  /** What a retry would send, or why there is nothing to send. */
  record Plan(
      String name,
      List<JsonNode> args,
      Map<String, JsonNode> kwargs,
      String queue,
      String refusal) {
    boolean possible() {
      return refusal == null;
    }

    static Plan refused(String why) {
      return new Plan(null, null, null, null, why);
    }
  }

  /** Reads the task's stored result and makes the plan (one backend read). */
  Plan plan(String taskId) {
    Optional<ResultMeta> stored;
    try {
      stored = app.backend().get(taskId);
    } catch (RuntimeException e) {
      return Plan.refused(
          "retry reads the task from the result backend, which failed ("
              + e.getMessage()
              + "): start the dashboard with --backend <url>");
    }
    if (stored.isEmpty()) {
      return Plan.refused(
          "task "
              + taskId
              + " has no stored result (expired, ignore_result, or another backend): "
              + NEEDS_EXTENDED
              + " and the same --backend");
    }
    ResultMeta meta = stored.get();
    if (!TaskState.FAILURE.equals(meta.status()) && !TaskState.REVOKED.equals(meta.status())) {
      return Plan.refused(
          "task " + taskId + " is " + meta.status() + ": only failed or revoked tasks are retried");
    }
    ObjectNode ext = meta.extended();
    if (ext == null || !ext.path("name").isTextual() || !ext.path("args").isArray()) {
      return Plan.refused(NEEDS_EXTENDED);
    }
    List<JsonNode> args = new ArrayList<>();
    ext.path("args").forEach(args::add);
    Map<String, JsonNode> kwargs = new LinkedHashMap<>();
    ext.path("kwargs").properties().forEach(e -> kwargs.put(e.getKey(), e.getValue()));
    String queue = ext.path("queue").isTextual() ? ext.path("queue").asText() : null;
    return new Plan(ext.path("name").asText(), args, kwargs, queue, null);
  }

  /** Sends the plan; returns the new task's id. */
  String send(Plan plan) {
    CallOptions options = CallOptions.create();
    if (plan.queue() != null && !plan.queue().isBlank()) {
      options.queue(plan.queue());
    }
    return app.send(plan.name(), plan.args(), plan.kwargs(), options).id();
  }
}
