package dev.apium.dashboard;

import static dev.apium.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.beat.BeatEntry;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.CoordinationStore;
import io.javalin.config.RoutesConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The beat page and {@code /api/beat}: the schedule's entries (task, schedule, queue), each one's
 * last run as the leading beat stored it and its next run, and the current leader with its fencing
 * token, all read from the result backend's coordination store (keys {@code
 * apium.beat.<name>.leader} and {@code .last.<entry>}). Read-only; handlers run on HTTP threads.
 */
final class BeatView {
  private final Apium app;
  private final String name;
  private final List<BeatEntry> entries;

  BeatView(Apium app, String name, List<BeatEntry> entries) {
    this.app = app;
    this.name = name == null ? app.name() : name;
    this.entries = List.copyOf(entries);
  }

  void routes(RoutesConfig r) {
    r.get("/api/beat", ctx -> Api.json(ctx, json()));
  }

  ObjectNode json() {
    ObjectNode o = CeleryJson.object();
    o.put("name", name);
    Optional<CoordinationStore> store = app.backend().coordination();
    if (store.isEmpty()) {
      o.put("error", "result backend " + app.backend().describe() + " keeps no beat state");
      o.putArray("entries");
      return o;
    }
    String prefix = "apium.beat." + name + ".";
    String leader = store.get().get(prefix + "leader").orElse(null);
    if (leader != null && leader.indexOf('|') > 0) {
      o.put("leader", leader.substring(leader.indexOf('|') + 1));
      o.put("fencing_token", leader.substring(0, leader.indexOf('|')));
    } else {
      o.put("leader", leader);
    }
    var list = o.putArray("entries");
    Instant now = Instant.now();
    for (BeatEntry e : entries) {
      Instant last = store.get().get(prefix + "last." + e.name()).map(Instant::parse).orElse(null);
      Optional<Instant> next = e.schedule().next(last != null ? last : now);
      list.addObject()
          .put("name", e.name())
          .put("task", e.task())
          .put("schedule", e.schedule().toString())
          .put("queue", e.queue())
          .put("last_run", last == null ? null : last.toString())
          .put("next_run", next.map(Instant::toString).orElse(null));
    }
    return o;
  }

  String page() {
    if (entries.isEmpty()) {
      return "<p class=\"muted\">No beat schedule given: start the dashboard with --schedule"
          + " apium-beat.yaml to see its entries, last and next runs and the leader.</p>";
    }
    ObjectNode o = json();
    StringBuilder b = new StringBuilder();
    if (o.has("error")) {
      return "<p class=\"muted\">" + esc(o.path("error").asText()) + ".</p>";
    }
    b.append("<p>Beat <b>")
        .append(esc(name))
        .append("</b>: leader <b id=\"beat-leader\">")
        .append(o.hasNonNull("leader") ? esc(o.path("leader").asText()) : "none (no beat running)")
        .append("</b>")
        .append(
            o.has("fencing_token")
                ? " (fencing token " + esc(o.path("fencing_token").asText()) + ")"
                : "")
        .append("</p><table id=\"beat\"><thead><tr><th>Entry</th><th>Task</th><th>Schedule</th>")
        .append("<th>Queue</th><th>Last run</th><th>Next run</th></tr></thead><tbody>");
    for (JsonNode e : o.path("entries")) {
      b.append("<tr><td>")
          .append(esc(e.path("name")))
          .append("</td><td>")
          .append(esc(e.path("task")))
          .append("</td><td>")
          .append(esc(e.path("schedule")))
          .append("</td><td>")
          .append(esc(e.path("queue")))
          .append("</td><td>")
          .append(esc(e.path("last_run")))
          .append("</td><td>")
          .append(esc(e.path("next_run")))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }
}
