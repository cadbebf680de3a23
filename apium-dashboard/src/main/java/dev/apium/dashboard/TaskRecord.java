package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.util.ArrayList;
import java.util.List;

/**
 * One task as folded from its Celery events ({@code task-sent} ... {@code task-succeeded}): name,
 * state, arguments, result or exception and traceback, worker, retries, parent and root, times, and
 * a short timeline of the events themselves. Owned by {@link FleetState}, which changes and reads
 * it under its own lock.
 */
final class TaskRecord {
  static final int TIMELINE_LIMIT = 32;

  final String uuid;
  String name;
  String state = "PENDING";
  String args;
  String kwargs;
  String result;
  String exception;
  String traceback;
  String worker;
  String parentId;
  String rootId;
  int retries;
  Double runtime;
  double firstSeen;
  double lastSeen;
  Double received;
  Double started;
  Double finished;
  final List<String[]> timeline = new ArrayList<>();

  TaskRecord(String uuid) {
    this.uuid = uuid;
  }

  /** Applies one {@code task-*} event. */
  void apply(String type, JsonNode e) {
    double ts = e.path("timestamp").asDouble();
    if (firstSeen == 0) {
      firstSeen = ts;
    }
    lastSeen = Math.max(lastSeen, ts);
    if (e.hasNonNull("name")) {
      name = e.path("name").asText();
    }
    if (e.hasNonNull("args")) {
      args = text(e.get("args"));
    }
    if (e.hasNonNull("kwargs")) {
      kwargs = text(e.get("kwargs"));
    }
    if (e.hasNonNull("parent_id")) {
      parentId = e.path("parent_id").asText();
    }
    if (e.hasNonNull("root_id")) {
      rootId = e.path("root_id").asText();
    }
    if (e.has("retries")) {
      retries = Math.max(retries, e.path("retries").asInt());
    }
    if (!type.equals("task-sent") && e.hasNonNull("hostname")) {
      worker = e.path("hostname").asText();
    }
    String next = stateOf(type);
    switch (type) {
      case "task-received" -> received = ts;
      case "task-started" -> started = ts;
      case "task-succeeded" -> {
        finished = ts;
        result = text(e.get("result"));
        if (e.has("runtime")) {
          runtime = e.path("runtime").asDouble();
        }
      }
      case "task-failed", "task-retried" -> {
        if (type.equals("task-failed")) {
          finished = ts;
        }
        exception = text(e.get("exception"));
        traceback = text(e.get("traceback"));
      }
      case "task-revoked", "task-rejected" -> finished = ts;
      default -> {}
    }
    // Events of one task may arrive out of order (different workers, batching): a final state wins.
    if (next != null && (!isFinal(state) || isFinal(next) && ts >= lastFinal())) {
      state = next;
    }
    if (timeline.size() < TIMELINE_LIMIT) {
      timeline.add(new String[] {type, Double.toString(ts), worker == null ? "" : worker});
    }
  }

  private double lastFinal() {
    return finished == null ? 0 : finished;
  }

  static boolean isFinal(String state) {
    return state.equals("SUCCESS")
        || state.equals("FAILURE")
        || state.equals("REVOKED")
        || state.equals("REJECTED");
  }

  private static String stateOf(String type) {
    return switch (type) {
      case "task-sent" -> "PENDING";
      case "task-received" -> "RECEIVED";
      case "task-started" -> "STARTED";
      case "task-succeeded" -> "SUCCESS";
      case "task-failed" -> "FAILURE";
      case "task-retried" -> "RETRY";
      case "task-revoked" -> "REVOKED";
      case "task-rejected" -> "REJECTED";
      default -> null;
    };
  }

  private static String text(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  /** The summary shown in lists. */
  ObjectNode summary() {
    ObjectNode o = CeleryJson.object();
    o.put("uuid", uuid);
    o.put("name", name);
    o.put("state", state);
    o.put("worker", worker);
    o.put("received", received);
    o.put("started", started);
    o.put("runtime", runtime);
    o.put("args", args);
    o.put("result", result);
    o.put("exception", exception);
    o.put("last_seen", lastSeen);
    return o;
  }

  /** Everything known, for the detail page. */
  ObjectNode detail() {
    ObjectNode o = summary();
    o.put("kwargs", kwargs);
    o.put("traceback", traceback);
    o.put("retries", retries);
    o.put("parent_id", parentId);
    o.put("root_id", rootId);
    o.put("first_seen", firstSeen);
    o.put("finished", finished);
    var events = o.putArray("timeline");
    for (String[] t : timeline) {
      events
          .addObject()
          .put("type", t[0])
          .put("timestamp", Double.parseDouble(t[1]))
          .put("hostname", t[2]);
    }
    return o;
  }
}
