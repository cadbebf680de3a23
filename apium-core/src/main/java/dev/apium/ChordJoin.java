package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's half of a chord: records each finished header task with the backend's atomic join
 * ({@link dev.apium.spi.ResultBackend#chordPartDone}, deduplicated by task id) and, in the one
 * caller the join answers, sends the body with the ordered results, or fails it with Celery's
 * {@code ChordError} when a header task failed. Also marks as failed what can no longer run after a
 * failure (the rest of a chain, a chord body), so no result waits forever. Pool threads.
 */
final class ChordJoin {
  private static final Logger log = LoggerFactory.getLogger(ChordJoin.class);

  private final Apium app;
  private final String hostname;

  ChordJoin(Apium app, String hostname) {
    this.app = app;
    this.hostname = hostname;
  }

  /** A header task finished (any state); its message carries the body in {@code embed.chord}. */
  void partDone(TaskMessage m, String state, JsonNode result) {
    String root = m.rootId() != null ? m.rootId() : m.id();
    partDone(m.group(), m.groupIndex(), m.id(), state, result, m.embed().chord(), root);
  }

  private void partDone(
      String groupId,
      Integer groupIndex,
      String taskId,
      String state,
      JsonNode result,
      Signature body,
      String rootId) {
    if (groupId == null) {
      log.warn(
          "Task {} belongs to a chord but has no group id: its chord cannot be joined", taskId);
      return;
    }
    Optional<List<ChordPart>> done =
        app.backend()
            .chordPartDone(
                groupId,
                groupIndex == null ? -1 : groupIndex,
                new ChordPart(taskId, state, result));
    done.ifPresent(parts -> complete(groupId, body, parts, taskId, rootId));
  }

  /** Sends the body with the header's results, or fails it when a header task failed. */
  void complete(
      String groupId, Signature body, List<ChordPart> parts, String parentId, String root) {
    for (ChordPart part : parts) {
      if (TaskState.propagates(part.state())) {
        ExceptionInfo cause =
            ExceptionInfo.isExceptionDict(part.result())
                ? ExceptionInfo.fromJson(part.result())
                : ExceptionInfo.of("celery.exceptions", "TaskError", String.valueOf(part.result()));
        fail(body, chordError("Dependency " + part.taskId() + " raised " + cause.repr()), root);
        log.error(
            "Chord {} failed: header task {} raised {}", groupId, part.taskId(), cause.repr());
        return;
      }
    }
    ArrayNode results = results(groupId, parts);
    CanvasApply a = CanvasApply.withParentResult(results);
    a.parentId = parentId;
    a.rootId = root;
    try {
      new CanvasSender(app).apply(body, a);
    } catch (RuntimeException e) {
      log.error("Chord {}: could not send its body", groupId, e);
      fail(body, chordError("Callback error: " + e), root);
    }
  }

  /**
   * The body's argument: the parts in header order or, as Celery's Redis join, in the shape of the
   * header's GroupResult when the client saved it (it does when a member is itself a group, e.g. a
   * chain ending in a group): {@code [[42, 42]]}, not {@code [42, 42]}.
   */
  private ArrayNode results(String groupId, List<ChordPart> parts) {
    ArrayNode flat = CeleryJson.array();
    Map<String, JsonNode> byId = new HashMap<>();
    for (ChordPart part : parts) {
      flat.add(part.result());
      byId.put(part.taskId(), part.result());
    }
    Optional<JsonNode> saved;
    try {
      saved = app.backend().restoreGroup(groupId);
    } catch (RuntimeException e) {
      log.warn("Chord {}: could not read its saved header ({}); results passed flat", groupId, e);
      return flat;
    }
    JsonNode members = saved.map(tuple -> tuple.get(1)).orElse(null);
    if (members == null || !members.isArray()) {
      return flat;
    }
    ArrayNode nested = CeleryJson.array();
    for (JsonNode member : members) {
      JsonNode value = valueOf(member, byId);
      if (value == null) {
        return flat;
      }
      nested.add(value);
    }
    return nested;
  }

  /** A result tuple's value from the parts: a group's is the list of its members'. */
  private static JsonNode valueOf(JsonNode tuple, Map<String, JsonNode> byId) {
    JsonNode nodes = tuple.get(1);
    if (nodes != null && nodes.isArray()) {
      ArrayNode list = CeleryJson.array();
      for (JsonNode node : nodes) {
        JsonNode value = valueOf(node, byId);
        if (value == null) {
          return null;
        }
        list.add(value);
      }
      return list;
    }
    return byId.get(tuple.path(0).path(0).asText(""));
  }

  static ExceptionInfo chordError(String message) {
    return ExceptionInfo.of("celery.exceptions", "ChordError", message);
  }

  /** Stores the failure for the body (and what follows it) and runs the body's errbacks. */
  void fail(Signature body, ExceptionInfo error, String root) {
    propagate(body, TaskState.FAILURE, error, null, root);
    String bodyId = CanvasForms.resultId(body);
    TaskMessage fake =
        TaskMessage.builder(body.task(), bodyId == null ? "unknown" : bodyId)
            .args(body.args())
            .kwargs(body.kwargs())
            .rootId(root)
            .build();
    TaskContext context = new TaskContext(app, fake, hostname, null, null, null, false);
    Errbacks.run(
        app,
        context,
        CanvasForms.list(body.options().get("link_error")),
        TaskState.FAILURE,
        error,
        null);
  }

  /**
   * Marks every task of a canvas that will now never run as failed with {@code error}, and counts
   * chord members among them as finished so their chord completes (Celery's mark_as_failure on a
   * chain, extended to chord bodies).
   */
  void propagate(Signature sig, String state, ExceptionInfo error, String traceback, String root) {
    if (CanvasForms.is(sig, CanvasForms.CHAIN) || CanvasForms.is(sig, CanvasForms.GROUP)) {
      CanvasForms.tasks(sig).forEach(t -> propagate(t, state, error, traceback, root));
    } else if (CanvasForms.is(sig, CanvasForms.CHORD)) {
      propagate(CanvasForms.body(sig), state, error, traceback, root);
    } else if (sig.taskId() != null) {
      String id = sig.taskId();
      ResultMeta meta =
          new ResultMeta(
              state,
              error.toJson(),
              traceback,
              null,
              app.resultDates().dateDone(app.clock().instant()),
              id,
              sig.option("group_id"),
              sig.option("parent_id"),
              null);
      app.backend().storeFor(meta, sig.option("reply_to"));
      if (sig.options().hasNonNull("chord")) {
        JsonNode index = sig.options().get("group_index");
        partDone(
            sig.option("group_id"),
            index == null || index.isNull() ? null : index.asInt(),
            id,
            state,
            error.toJson(),
            Signature.fromJson(sig.options().get("chord")),
            root);
      }
    }
    CanvasForms.list(sig.options().get("chain"))
        .forEach(t -> propagate(t, state, error, traceback, root));
  }
}
