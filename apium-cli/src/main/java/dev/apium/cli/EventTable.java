package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state behind {@code apium events}' live view: workers (online or not, active, processed,
 * load, last heartbeat) and the most recent tasks (state, name, worker, runtime or error) folded
 * from Celery events, and its text rendering. Fed by one transport thread, read by the render
 * thread: methods are synchronized.
 */
final class EventTable {
  private static final int TASKS_SHOWN = 20;
  private static final double OFFLINE_AFTER = 6.0;

  private record WorkerRow(
      String name, boolean online, int active, long processed, String load, double seen) {}

  private final Map<String, WorkerRow> workers = new TreeMap<>();
  private final Map<String, Map<String, String>> tasks = new LinkedHashMap<>();

  synchronized void add(JsonNode e) {
    String type = e.path("type").asText();
    String host = e.path("hostname").asText();
    double ts = e.path("timestamp").asDouble();
    if (type.startsWith("worker-")) {
      workers.put(
          host,
          new WorkerRow(
              host,
              !type.equals("worker-offline"),
              e.path("active").asInt(),
              e.path("processed").asLong(),
              e.path("loadavg").toString(),
              ts));
      return;
    }
    String uuid = e.path("uuid").asText();
    Map<String, String> t = tasks.remove(uuid);
    if (t == null) {
      t = new LinkedHashMap<>();
    }
    tasks.put(uuid, t);
    t.put("worker", host);
    String state = type.substring("task-".length()).toUpperCase();
    t.put(
        "state",
        state.equals("SUCCEEDED") ? "SUCCESS" : state.equals("FAILED") ? "FAILURE" : state);
    if (e.hasNonNull("name")) {
      t.put("name", e.path("name").asText());
    }
    if (e.has("runtime")) {
      t.put(
          "info",
          String.format(
              "%.3fs result=%s", e.path("runtime").asDouble(), e.path("result").asText()));
    } else if (e.has("exception")) {
      t.put("info", e.path("exception").asText());
    }
    while (tasks.size() > 200) {
      tasks.remove(tasks.keySet().iterator().next());
    }
  }

  synchronized String render(double now) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "%-36s %-8s %6s %10s  %s%n", "WORKER", "STATUS", "ACTIVE", "PROCESSED", "LOADAVG"));
    if (workers.isEmpty()) {
      s.append("(no worker seen yet: workers send heartbeats every 2 s)\n");
    }
    for (WorkerRow w : workers.values()) {
      boolean online = w.online() && now - w.seen() < OFFLINE_AFTER;
      s.append(
          String.format(
              "%-36s %-8s %6d %10d  %s%n",
              w.name(), online ? "ONLINE" : "OFFLINE", w.active(), w.processed(), w.load()));
    }
    s.append('\n');
    s.append(
        String.format("%-36s %-10s %-28s %-24s %s%n", "TASK", "STATE", "NAME", "WORKER", "INFO"));
    List<Map.Entry<String, Map<String, String>>> recent = new ArrayList<>(tasks.entrySet());
    int from = Math.max(0, recent.size() - TASKS_SHOWN);
    for (int i = recent.size() - 1; i >= from; i--) {
      Map<String, String> t = recent.get(i).getValue();
      s.append(
          String.format(
              "%-36s %-10s %-28s %-24s %s%n",
              recent.get(i).getKey(),
              t.get("state"),
              t.getOrDefault("name", ""),
              t.get("worker"),
              t.getOrDefault("info", "")));
    }
    if (recent.isEmpty()) {
      s.append("(no task events: start workers with -E, or `apium control enable_events`)\n");
    }
    return s.toString();
  }
}
