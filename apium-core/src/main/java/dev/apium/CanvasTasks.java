package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Celery's built-in canvas tasks, registered on every app that runs a worker so canvases built in
 * Python run here too: {@code celery.chord_unlock} (the chord join for backends without native
 * chords: polls the header's results and retries itself until they are ready), {@code
 * celery.accumulate} (the body of a group that replaced a task), {@code celery.map} and {@code
 * celery.starmap} (call a local task for each item). They run on pool threads like any task.
 */
final class CanvasTasks {
  static final String CHORD_UNLOCK = "celery.chord_unlock";

  private CanvasTasks() {}

  static void register(Apium app) {
    registerOnce(
        app,
        CHORD_UNLOCK,
        TaskOptions.DEFAULTS.withMaxRetries(-1).withIgnoreResult(true),
        call -> unlockChord(app, call));
    registerOnce(app, "celery.accumulate", TaskOptions.DEFAULTS, CanvasTasks::accumulate);
    registerOnce(app, "celery.map", TaskOptions.DEFAULTS, call -> map(app, call, false));
    registerOnce(app, "celery.starmap", TaskOptions.DEFAULTS, call -> map(app, call, true));
  }

  private static void registerOnce(
      Apium app, String name, TaskOptions options, TaskFunction function) {
    synchronized (app) {
      if (app.task(name) == null) {
        app.register(name, options, function);
      }
    }
  }

  /** Celery's accumulate: {@code args[index]} when an index is given, else all args. */
  private static Object accumulate(TaskCall call) {
    JsonNode index = call.kwargs().get("index");
    if (index != null && !index.isNull()) {
      return call.args().get(index.asInt());
    }
    return call.args();
  }

  private static Object map(Apium app, TaskCall call, boolean star) throws Exception {
    Signature task = Signature.fromJson(call.param("task", 0, JsonNode.class));
    JsonNode items = call.param("it", 1, JsonNode.class);
    RegisteredTask local = app.task(task.task());
    if (local == null) {
      throw new TaskError(
          "celery.exceptions",
          "NotRegistered",
          "'" + task.task() + "' (mapped by " + call.context().name() + ") is not registered here");
    }
    ArrayNode out = CeleryJson.array();
    for (JsonNode item : items) {
      ArrayNode args = CeleryJson.array();
      if (star && item.isArray()) {
        args.addAll((ArrayNode) item);
      } else {
        args.add(item);
      }
      Object value =
          local.function().apply(new TaskCall(args, CeleryJson.object(), call.context()));
      out.add(CeleryJson.toTree(value));
    }
    return out;
  }

  /**
   * Celery's {@code unlock_chord(group_id, callback, interval=None, max_retries=None,
   * result=[tuples])}.
   */
  private static Object unlockChord(Apium app, TaskCall call) {
    String groupId = call.arg(0, String.class);
    Signature body = Signature.fromJson(call.param("callback", 1, JsonNode.class));
    JsonNode interval = call.kwargs().get("interval");
    Duration wait =
        interval == null || interval.isNull()
            ? Duration.ofSeconds(1)
            : Duration.ofMillis(Math.round(interval.asDouble() * 1000));
    List<ResultMeta> metas = new ArrayList<>();
    for (JsonNode tuple : call.kwargs().path("result")) {
      String id = tuple.path(0).path(0).asText();
      Optional<ResultMeta> meta = app.backend().get(id);
      if (meta.isEmpty() || !meta.get().ready()) {
        throw call.context().retry(wait, null);
      }
      metas.add(meta.get());
    }
    TaskContext context = call.context();
    String root = context.rootId() != null ? context.rootId() : context.id();
    ChordJoin join = new ChordJoin(app, context.hostname());
    ArrayNode results = CeleryJson.array();
    for (ResultMeta meta : metas) {
      if (TaskState.propagates(meta.status())) {
        ExceptionInfo cause = meta.exception();
        String repr = cause == null ? String.valueOf(meta.result()) : cause.repr();
        join.fail(
            body, ChordJoin.chordError("Dependency " + meta.taskId() + " raised " + repr), root);
        return null;
      }
      results.add(meta.result());
    }
    CanvasApply a = CanvasApply.withParentResult(results);
    a.parentId = context.id();
    a.rootId = root;
    new CanvasSender(app).apply(body, a);
    return null;
  }
}
