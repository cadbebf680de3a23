package dev.apium.dashboard;

import static dev.apium.dashboard.Html.esc;
import static dev.apium.dashboard.Html.url;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * The server-rendered pages (overview, workers, worker, tasks, task, queues, login) and the
 * fragments they refresh on each server-sent {@code change} event: every live part of a page is a
 * {@code data-live} element whose HTML comes from {@code /fragment/...}, so rendering lives only
 * here. Handlers run on Javalin's HTTP threads.
 */
final class Pages {
  private final FleetState state;
  private final Api api;
  private final Auth auth;
  private final DeadLetterPages dead;
  private final BeatView beat;
  private final TaskPages tasks;

  Pages(
      FleetState state, Api api, Auth auth, DeadLetterPages dead, BeatView beat, TaskRetry retry) {
    this.state = state;
    this.api = api;
    this.auth = auth;
    this.dead = dead;
    this.beat = beat;
    this.tasks = new TaskPages(state, retry);
  }

  void routes(RoutesConfig r) {
    r.get(
        "/",
        ctx -> {
          String window = window(ctx);
          page(
              ctx,
              "Overview",
              "overview",
              live("/fragment/overview?window=" + window, overview(window)));
        });
    r.get("/fragment/overview", ctx -> ctx.html(overview(window(ctx))));
    r.get("/workers", ctx -> page(ctx, "Workers", "workers", live("/fragment/workers", workers())));
    r.get("/fragment/workers", ctx -> ctx.html(workers()));
    r.get(
        "/workers/{name}",
        ctx -> {
          String name = ctx.pathParam("name");
          page(ctx, "Worker " + name, "workers", worker(name));
        });
    r.get("/tasks", ctx -> page(ctx, "Tasks", "tasks", tasks.page(ctx)));
    r.get("/fragment/tasks", ctx -> ctx.html(tasks.rows(ctx)));
    r.get(
        "/tasks/{id}",
        ctx -> {
          String id = ctx.pathParam("id");
          page(ctx, "Task " + id, "tasks", live("/fragment/task/" + url(id), tasks.task(id)));
        });
    r.get("/fragment/task/{id}", ctx -> ctx.html(tasks.task(ctx.pathParam("id"))));
    r.get(
        "/queues",
        ctx ->
            page(
                ctx,
                "Queues",
                "queues",
                "<div data-live=\"/fragment/queues\" data-every=\"5000\">" + queues() + "</div>"));
    r.get("/fragment/queues", ctx -> ctx.html(queues()));
    r.get("/beat", ctx -> page(ctx, "Beat", "beat", beat.page()));
    r.get("/dead", ctx -> page(ctx, "Dead letters", "dead", dead.list()));
    r.get(
        "/dead/{id}",
        ctx ->
            page(
                ctx, "Dead letter " + ctx.pathParam("id"), "dead", dead.show(ctx.pathParam("id"))));
  }

  private void page(Context ctx, String title, String active, String body) {
    ctx.html(Html.page(title, active, auth.loggedIn(ctx), body));
  }

  static String live(String fragment, String html) {
    return "<div data-live=\"" + esc(fragment) + "\">" + html + "</div>";
  }

  static String action(String label, String path, String confirm, String id) {
    return "<button class=\"action\" id=\""
        + esc(id)
        + "\" data-action=\""
        + esc(path)
        + "\""
        + (confirm == null ? "" : " data-confirm=\"" + esc(confirm) + "\"")
        + ">"
        + esc(label)
        + "</button>";
  }

  /** The chart window asked for ({@code 2m}, {@code 15m}, {@code 1h}), 2m if none. */
  private static String window(Context ctx) {
    String w = ctx.queryParam("window");
    if (w == null || w.isBlank()) {
      return "2m";
    }
    Throughput.windowSeconds(w.trim()); // a one-line 400 for anything else
    return w.trim();
  }

  String overview(String window) {
    double now = Api.now();
    int seconds = Throughput.windowSeconds(window);
    ObjectNode s = state.stats(now, seconds);
    StringBuilder b = new StringBuilder("<section class=\"cards\">");
    card(
        b,
        "Workers online",
        s.path("workers_online").asText() + " / " + s.path("workers").asText(),
        "workers-online");
    JsonNode states = s.path("states");
    card(b, "Succeeded", states.path("SUCCESS").asText("0"), "count-success");
    card(b, "Failed", states.path("FAILURE").asText("0"), "count-failure");
    card(b, "Running", states.path("STARTED").asText("0"), "count-started");
    card(
        b,
        "Tasks held",
        s.path("tasks_held").asText() + " of " + s.path("history_size").asText(),
        "tasks-held");
    b.append("</section>");
    int bucket = s.path("bucket_seconds").asInt(1);
    String span = span(seconds);
    b.append("<h2>Throughput, last ")
        .append(span)
        .append(" (tasks per ")
        .append(bucket == 1 ? "second" : bucket + " s")
        .append(")</h2><p class=\"windows\">");
    for (String[] w : Throughput.WINDOWS) {
      b.append("<a id=\"window-")
          .append(w[0])
          .append("\" href=\"/?window=")
          .append(w[0])
          .append('"')
          .append(w[0].equals(window) ? " class=\"active\"" : "")
          .append('>')
          .append(span(Integer.parseInt(w[1])))
          .append("</a> ");
    }
    b.append("</p>");
    b.append(chart(s.path("succeeded"), s.path("failed"), span, bucket));
    long ok = 0;
    long bad = 0;
    for (JsonNode n : s.path("succeeded")) {
      ok += n.asLong();
    }
    for (JsonNode n : s.path("failed")) {
      bad += n.asLong();
    }
    b.append("<p class=\"muted\" id=\"window-total\">")
        .append(ok + bad)
        .append(" finished in ")
        .append(span)
        .append(", failure rate ")
        .append(ok + bad == 0 ? "0" : String.format(Locale.ROOT, "%.1f", 100.0 * bad / (ok + bad)))
        .append("%. Queue depths: <a href=\"/queues\">Queues</a>.</p>");
    b.append("<h2>Workers</h2>").append(workers());
    return b.toString();
  }

  private static void card(StringBuilder b, String label, String value, String id) {
    b.append("<div class=\"card\"><div class=\"label\">")
        .append(esc(label))
        .append("</div><div class=\"value\" id=\"")
        .append(id)
        .append("\">")
        .append(esc(value))
        .append("</div></div>");
  }

  private static String span(int seconds) {
    return seconds >= 3600 ? seconds / 3600 + " h" : seconds / 60 + " min";
  }

  /** Stacked bars per bucket: succeeded (green) and failed (red) on top. */
  private static String chart(JsonNode ok, JsonNode bad, String span, int bucket) {
    int n = ok.size();
    long max = 1;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, ok.get(i).asLong() + bad.get(i).asLong());
    }
    int w = 720;
    int h = 120;
    double bw = (double) w / Math.max(n, 1);
    StringBuilder svg =
        new StringBuilder(
            "<svg class=\"chart\" viewBox=\"0 0 "
                + w
                + " "
                + (h + 14)
                + "\" role=\"img\" aria-label=\"throughput\">");
    for (int i = 0; i < n; i++) {
      double okH = h * ok.get(i).asDouble() / max;
      double badH = h * bad.get(i).asDouble() / max;
      String x = String.format(Locale.ROOT, "%.1f", i * bw);
      String width = String.format(Locale.ROOT, "%.1f", Math.max(bw - 1, 1));
      if (okH > 0) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"ok\" x=\"%s\" y=\"%.1f\" width=\"%s\" height=\"%.1f\"/>",
                x,
                h - okH,
                width,
                okH));
      }
      if (badH > 0) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bad\" x=\"%s\" y=\"%.1f\" width=\"%s\" height=\"%.1f\"/>",
                x,
                h - okH - badH,
                width,
                badH));
      }
    }
    svg.append("<line x1=\"0\" y1=\"")
        .append(h)
        .append("\" x2=\"")
        .append(w)
        .append("\" y2=\"")
        .append(h)
        .append("\" class=\"axis\"/>");
    svg.append("<text x=\"0\" y=\"")
        .append(h + 12)
        .append("\">-")
        .append(span)
        .append("</text><text x=\"")
        .append(w - 30)
        .append("\" y=\"")
        .append(h + 12)
        .append("\">now</text>");
    svg.append("<text x=\"4\" y=\"12\">")
        .append(max)
        .append(bucket == 1 ? "/s" : " per " + bucket + " s")
        .append("</text></svg>");
    return svg.toString();
  }

  String workers() {
    StringBuilder b =
        new StringBuilder(
            "<table id=\"workers\"><thead><tr><th>Worker</th><th>Status</th><th>Software</th><th>Heartbeat</th>"
                + "<th>Active</th><th>Processed</th><th>Succeeded</th><th>Failed</th><th>Load</th><th>Actions</th></tr></thead><tbody>");
    var workers = state.workers(Api.now());
    for (JsonNode w : workers) {
      String name = w.path("hostname").asText();
      boolean online = w.path("online").asBoolean();
      b.append("<tr data-worker=\"")
          .append(esc(name))
          .append("\"><td><a href=\"/workers/")
          .append(url(name))
          .append("\">")
          .append(esc(name))
          .append("</a></td><td>")
          .append(
              online
                  ? "<span class=\"state state-success\">online</span>"
                  : "<span class=\"state state-failure\">offline</span>")
          .append("</td><td>")
          .append(esc(w.path("sw_ident").asText("")))
          .append(' ')
          .append(esc(w.path("sw_ver").asText("")))
          .append("</td><td>")
          .append(
              w.path("heartbeat_age").isNumber()
                  ? String.format(Locale.ROOT, "%.0f s ago", w.path("heartbeat_age").asDouble())
                  : "")
          .append("</td><td>")
          .append(w.path("active").asInt())
          .append("</td><td>")
          .append(w.path("processed").asLong())
          .append("</td><td>")
          .append(w.path("succeeded").asLong())
          .append("</td><td>")
          .append(w.path("failed").asLong())
          .append("</td><td>")
          .append(esc(w.path("loadavg").asText("")))
          .append("</td><td class=\"actions\">")
          .append(
              action("Pool +1", "/api/workers/" + url(name) + "/pool?n=1", null, "grow-" + name))
          .append(
              action("Pool −1", "/api/workers/" + url(name) + "/pool?n=-1", null, "shrink-" + name))
          .append(
              action(
                  "Shut down",
                  "/api/workers/" + url(name) + "/shutdown",
                  "Shut down " + name + "?",
                  "shutdown-" + name))
          .append("</td></tr>");
    }
    if (workers.isEmpty()) {
      b.append(
          "<tr><td colspan=\"10\" class=\"muted\">No worker seen yet: start workers with events on (-E).</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  String worker(String name) {
    ObjectNode w = state.worker(name, Api.now());
    if (w == null) {
      return "<p class=\"muted\">No worker " + esc(name) + " seen (events on? -E).</p>";
    }
    ObjectNode in = api.inspect(name);
    StringBuilder b = new StringBuilder("<dl class=\"fields\">");
    w.properties()
        .forEach(
            e ->
                b.append("<dt>")
                    .append(esc(e.getKey()))
                    .append("</dt><dd>")
                    .append(esc(e.getValue()))
                    .append("</dd>"));
    b.append("</dl><h2>Rate limit</h2><form class=\"action-form\" data-action=\"/api/workers/")
        .append(url(name))
        .append(
            "/rate-limit\"><input name=\"task\" placeholder=\"task name\" required> <input name=\"rate\" placeholder=\"10/s (empty = none)\"> <button>Set</button></form>");
    b.append("<h2>Consumers</h2><form class=\"action-form\" data-action=\"/api/workers/")
        .append(url(name))
        .append("/consumer\"><input name=\"queue\" placeholder=\"queue\" required>")
        .append(" <button>Add consumer</button></form><form class=\"action-form\" data-action=")
        .append("\"/api/workers/")
        .append(url(name))
        .append("/consumer\"><input name=\"queue\" placeholder=\"queue\" required>")
        .append("<input type=\"hidden\" name=\"cancel\" value=\"true\">")
        .append(" <button>Cancel consumer</button></form>");
    for (String part : List.of("active", "reserved", "scheduled", "registered", "stats")) {
      b.append("<h2>")
          .append(esc(part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1)))
          .append("</h2><pre class=\"json\">")
          .append(
              esc(
                  in.path(part).isMissingNode() || in.path(part).isNull()
                      ? "(no reply)"
                      : in.path(part).toPrettyString()))
          .append("</pre>");
    }
    return b.toString();
  }

  String queues() {
    StringBuilder b =
        new StringBuilder(
            "<table id=\"queues\"><thead><tr><th>Queue</th><th>Messages</th>"
                + "<th>By priority (0–2 / 3–5 / 6–8 / 9)</th><th>Actions</th></tr></thead><tbody>");
    var queues = api.queueDepths();
    for (JsonNode q : queues) {
      String name = q.path("name").asText();
      b.append("<tr data-queue=\"")
          .append(esc(name))
          .append("\"><td>")
          .append(esc(name))
          .append("</td><td>")
          .append(q.has("messages") ? q.path("messages").asText() : esc(q.path("error").asText()))
          .append("</td><td class=\"priority\">")
          .append(priorities(q))
          .append("</td><td>")
          .append("<button class=\"action\" data-action=\"/api/queues/")
          .append(esc(url(name)))
          .append("/purge\" data-type-confirm=\"")
          .append(esc(name))
          .append("\" id=\"purge-")
          .append(esc(name))
          .append("\">Purge</button></td></tr>");
    }
    if (queues.isEmpty()) {
      b.append(
          "<tr><td colspan=\"4\" class=\"muted\">No queue known: no worker answered active_queues; name queues with -Q.</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  /** {@code 0: 4 · 3: 0 · 6: 1 · 9: 0} from Redis's priority lists, or why there is no split. */
  private static String priorities(JsonNode q) {
    if (q.has("priorities_note")) {
      return "<span class=\"muted\">" + esc(q.path("priorities_note").asText()) + "</span>";
    }
    StringBuilder b = new StringBuilder();
    q.path("priorities")
        .properties()
        .forEach(
            e ->
                b.append(b.isEmpty() ? "" : " · ")
                    .append("<span data-priority=\"")
                    .append(esc(e.getKey()))
                    .append("\">")
                    .append(esc(e.getKey()))
                    .append(": ")
                    .append(e.getValue().asLong())
                    .append("</span>"));
    return b.toString();
  }
}
