package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * Prometheus text exposition at {@code /metrics}: workers online, each worker's processed /
 * succeeded / failed / active counts and heartbeat age, tasks held by state, events received.
 * Stateless over {@link FleetState}; called from HTTP threads.
 */
final class Metrics {
  private final FleetState state;

  Metrics(FleetState state) {
    this.state = state;
  }

  void serve(Context ctx) {
    double now = Api.now();
    ObjectNode s = state.stats(now, 1);
    StringBuilder b = new StringBuilder();
    gauge(b, "apium_dashboard_workers_online", "Workers whose heartbeat is recent.");
    b.append("apium_dashboard_workers_online ")
        .append(s.path("workers_online").asInt())
        .append('\n');
    counter(b, "apium_dashboard_events_total", "Celery events received.");
    b.append("apium_dashboard_events_total ").append(s.path("events").asLong()).append('\n');
    gauge(b, "apium_dashboard_tasks", "Tasks held in the history, by state.");
    s.path("states")
        .properties()
        .forEach(
            e ->
                b.append("apium_dashboard_tasks{state=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue().asLong())
                    .append('\n'));
    JsonNode workers = state.workers(now);
    for (String[] m :
        new String[][] {
          {"processed", "counter", "Tasks processed, as the worker reports."},
          {"succeeded", "counter", "Tasks succeeded, seen by this dashboard."},
          {"failed", "counter", "Tasks failed, seen by this dashboard."},
          {"active", "gauge", "Tasks running now."},
          {"heartbeat_age", "gauge", "Seconds since the last heartbeat."}
        }) {
      String name = "apium_dashboard_worker_" + m[0] + (m[1].equals("counter") ? "_total" : "");
      b.append("# HELP ").append(name).append(' ').append(m[2]).append('\n');
      b.append("# TYPE ").append(name).append(' ').append(m[1]).append('\n');
      for (JsonNode w : workers) {
        b.append(name)
            .append("{worker=\"")
            .append(w.path("hostname").asText().replace("\\", "\\\\").replace("\"", "\\\""))
            .append("\"} ")
            .append(w.path(m[0]).asDouble())
            .append('\n');
      }
    }
    ctx.contentType("text/plain; version=0.0.4").result(b.toString());
  }

  private static void gauge(StringBuilder b, String name, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void counter(StringBuilder b, String name, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
  }
}
