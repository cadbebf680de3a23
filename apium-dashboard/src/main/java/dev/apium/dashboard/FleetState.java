package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's picture of the fleet, folded from Celery events: every worker seen, the most
 * recent {@code historySize} tasks (the oldest is dropped when a new one arrives, so memory is
 * bounded whatever the load) and counts of finished and failed tasks for the charts over the last
 * hour ({@link Throughput}). Fed by the event receiver's transport thread, read by HTTP threads:
 * every method is synchronized and returns copies.
 */
public final class FleetState {
  private final int historySize;
  private final Map<String, WorkerRecord> workers = new TreeMap<>();
  private final LinkedHashMap<String, TaskRecord> tasks = new LinkedHashMap<>();
  private final Throughput throughput = new Throughput();
  private long events;
  private long evicted;
  private long version;

  public FleetState(int historySize) {
    if (historySize < 1) {
      throw new IllegalArgumentException(
          "history size " + historySize + ": must be at least 1 (tasks kept in memory)");
    }
    this.historySize = historySize;
  }

  /** Folds one event (a worker-* or task-* dict as Celery sends it). */
  public synchronized void apply(JsonNode e) {
    String type = e.path("type").asText("");
    events++;
    version++;
    if (type.startsWith("worker-")) {
      String host = e.path("hostname").asText();
      workers.computeIfAbsent(host, WorkerRecord::new).apply(type, e);
      return;
    }
    if (!type.startsWith("task-") || !e.hasNonNull("uuid")) {
      return;
    }
    String uuid = e.path("uuid").asText();
    TaskRecord task = tasks.get(uuid);
    if (task == null) {
      task = new TaskRecord(uuid);
      tasks.put(uuid, task);
      Iterator<TaskRecord> oldest = tasks.values().iterator();
      while (tasks.size() > historySize) {
        oldest.next();
        oldest.remove();
        evicted++;
      }
    }
    task.apply(type, e);
    boolean ok = type.equals("task-succeeded");
    boolean failed = type.equals("task-failed");
    if (ok || failed) {
      throughput.count(e.path("timestamp").asDouble(), failed);
      WorkerRecord w = workers.get(e.path("hostname").asText());
      if (w != null) {
        if (ok) {
          w.succeeded++;
        } else {
          w.failed++;
        }
      }
    }
  }

  /** Changes with every event: lets live updates skip quiet periods. */
  public synchronized long version() {
    return version;
  }

  public int historySize() {
    return historySize;
  }

  public synchronized int taskCount() {
    return tasks.size();
  }

  public synchronized ArrayNode workers(double now) {
    ArrayNode out = CeleryJson.array();
    workers.values().forEach(w -> out.add(w.json(now)));
    return out;
  }

  public synchronized ObjectNode worker(String hostname, double now) {
    WorkerRecord w = workers.get(hostname);
    return w == null ? null : w.json(now);
  }

  public synchronized List<String> workerNames() {
    return new ArrayList<>(workers.keySet());
  }

  /** A task's full record, or null when it was never seen or has left the history. */
  public synchronized ObjectNode task(String uuid) {
    TaskRecord t = tasks.get(uuid);
    if (t == null) {
      return null;
    }
    ObjectNode o = t.detail();
    ArrayNode children = o.putArray("children");
    for (TaskRecord other : tasks.values()) {
      if (uuid.equals(other.parentId)) {
        children.add(other.uuid);
      }
    }
    return o;
  }

  /** The newest tasks first that match the filter, at most {@code limit}. */
  public synchronized ArrayNode tasks(TaskFilter filter, int limit) {
    ArrayNode out = CeleryJson.array();
    List<TaskRecord> all = new ArrayList<>(tasks.values());
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
      TaskRecord t = all.get(i);
      if (filter.matches(t)) {
        out.add(t.summary());
      }
    }
    return out;
  }

  /**
   * Totals and the succeeded / failed series of the last {@code seconds} (up to an hour) before
   * {@code now}, in buckets of 1 s (up to 2 minutes), 15 s (up to 15 minutes) or 60 s.
   */
  public synchronized ObjectNode stats(double now, int seconds) {
    int span = Math.max(1, Math.min(seconds, Throughput.maxSeconds()));
    ObjectNode o = CeleryJson.object();
    Map<String, Integer> states = new TreeMap<>();
    for (TaskRecord t : tasks.values()) {
      states.merge(t.state, 1, Integer::sum);
    }
    int online = 0;
    for (WorkerRecord w : workers.values()) {
      online += w.online(now) ? 1 : 0;
    }
    o.put("workers", workers.size());
    o.put("workers_online", online);
    o.put("events", events);
    o.put("tasks_held", tasks.size());
    o.put("tasks_evicted", evicted);
    o.put("history_size", historySize);
    ObjectNode byState = o.putObject("states");
    states.forEach(byState::put);
    throughput.window(now, span, o);
    return o;
  }

  /** What a task list is narrowed to: id or name substring, state, worker, seen after. */
  public record TaskFilter(String text, String state, String worker, Double since) {
    public static final TaskFilter ALL = new TaskFilter(null, null, null, null);

    boolean matches(TaskRecord t) {
      if (state != null && !state.isBlank() && !state.equalsIgnoreCase(t.state)) {
        return false;
      }
      if (worker != null && !worker.isBlank() && !worker.equals(t.worker)) {
        return false;
      }
      if (since != null && t.lastSeen < since) {
        return false;
      }
      if (text != null && !text.isBlank()) {
        String q = text.toLowerCase(Locale.ROOT);
        return t.uuid.startsWith(q)
            || (t.name != null && t.name.toLowerCase(Locale.ROOT).contains(q));
      }
      return true;
    }
  }
}
