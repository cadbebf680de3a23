package dev.apium.dashboard;

import static dev.apium.dashboard.Html.badge;
import static dev.apium.dashboard.Html.esc;
import static dev.apium.dashboard.Html.shorten;
import static dev.apium.dashboard.Html.time;
import static dev.apium.dashboard.Html.url;
import static dev.apium.dashboard.Pages.action;
import static dev.apium.dashboard.Pages.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * The task pages: the searchable list (by id or name, state, worker) whose rows refresh live, and
 * one task with its arguments, result or traceback, family and event timeline, with revoke and
 * terminate buttons and, for a failed or revoked task, retry (see {@link TaskRetry}; the page says
 * why when it is unavailable). Rendering only; called from HTTP threads.
 */
final class TaskPages {
  static final List<String> STATES =
      List.of(
          "PENDING", "RECEIVED", "STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED", "REJECTED");
  private final FleetState state;
  private final TaskRetry retry;

  TaskPages(FleetState state, TaskRetry retry) {
    this.state = state;
    this.retry = retry;
  }

  String page(Context ctx) {
    StringBuilder b =
        new StringBuilder("<form class=\"filters\" method=\"get\" action=\"/tasks\">");
    b.append("<input name=\"q\" placeholder=\"id or name\" value=\"")
        .append(esc(ctx.queryParam("q")))
        .append("\"> <select name=\"state\"><option value=\"\">any state</option>");
    for (String s : STATES) {
      b.append("<option")
          .append(s.equals(ctx.queryParam("state")) ? " selected" : "")
          .append('>')
          .append(s)
          .append("</option>");
    }
    b.append("</select> <select name=\"worker\"><option value=\"\">any worker</option>");
    for (String w : state.workerNames()) {
      b.append("<option")
          .append(w.equals(ctx.queryParam("worker")) ? " selected" : "")
          .append('>')
          .append(esc(w))
          .append("</option>");
    }
    b.append("</select> <button>Search</button></form>");
    String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
    return b + live("/fragment/tasks" + query, rows(ctx));
  }

  String rows(Context ctx) {
    var tasks = state.tasks(Api.filter(ctx), Api.limit(ctx));
    StringBuilder b =
        new StringBuilder(
            "<table id=\"tasks\"><thead><tr><th>Task</th><th>Name</th><th>State</th><th>Worker</th><th>Received</th>"
                + "<th>Runtime</th><th>Args</th><th>Result / exception</th></tr></thead><tbody>");
    for (JsonNode t : tasks) {
      String id = t.path("uuid").asText();
      b.append("<tr data-task=\"")
          .append(esc(id))
          .append("\"><td><a href=\"/tasks/")
          .append(url(id))
          .append("\">")
          .append(esc(id))
          .append("</a></td><td>")
          .append(esc(t.path("name").asText("")))
          .append("</td><td class=\"task-state\">")
          .append(badge(t.path("state").asText()))
          .append("</td><td>")
          .append(esc(t.path("worker").asText("")))
          .append("</td><td>")
          .append(time(t.path("received")))
          .append("</td><td>")
          .append(
              t.path("runtime").isNumber()
                  ? String.format(Locale.ROOT, "%.3f s", t.path("runtime").asDouble())
                  : "")
          .append("</td><td>")
          .append(esc(shorten(t.path("args"), 40)))
          .append("</td><td>")
          .append(
              esc(
                  shorten(
                      t.path("exception").isNull() || t.path("exception").isMissingNode()
                          ? t.path("result")
                          : t.path("exception"),
                      60)))
          .append("</td></tr>");
    }
    if (tasks.isEmpty()) {
      b.append(
          "<tr><td colspan=\"8\" class=\"muted\">No task seen (workers need task events: -E).</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  String task(String id) {
    ObjectNode t = state.task(id);
    if (t == null) {
      return "<p class=\"muted\" id=\"task-missing\">Task "
          + esc(id)
          + " not seen yet (or it left the history of "
          + state.historySize()
          + " tasks).</p>";
    }
    StringBuilder b = new StringBuilder("<p class=\"actions\">");
    b.append(
        action("Revoke", "/api/tasks/" + url(id) + "/revoke", "Revoke task " + id + "?", "revoke"));
    b.append(
        action(
            "Terminate",
            "/api/tasks/" + url(id) + "/revoke?terminate=true",
            "Terminate task " + id + " (interrupts it if running)?",
            "terminate"));
    String st = t.path("state").asText();
    if (st.equals("FAILURE") || st.equals("REVOKED")) {
      TaskRetry.Plan plan = retry.plan(id);
      if (plan.possible()) {
        b.append(
            action(
                "Retry",
                "/api/tasks/" + url(id) + "/retry",
                "Send " + plan.name() + " again with the same arguments?",
                "retry"));
      } else {
        b.append("<span class=\"muted\" id=\"retry-unavailable\">Retry unavailable: ")
            .append(esc(plan.refusal()))
            .append("</span>");
      }
    }
    b.append("</p><dl class=\"fields\">");
    field(b, "State", badge(t.path("state").asText()), "task-state");
    for (String k :
        List.of("name", "worker", "args", "kwargs", "result", "exception", "retries", "runtime")) {
      field(b, k, esc(t.path(k)), "task-" + k);
    }
    field(b, "parent", link(t.path("parent_id")), "task-parent");
    field(b, "root", link(t.path("root_id")), "task-root");
    StringBuilder kids = new StringBuilder();
    for (JsonNode c : t.path("children")) {
      kids.append(link(c)).append(' ');
    }
    field(b, "children", kids.toString(), "task-children");
    for (String k : List.of("received", "started", "finished")) {
      field(b, k, time(t.path(k)), "task-" + k);
    }
    b.append("</dl>");
    if (t.hasNonNull("traceback")) {
      b.append("<h2>Traceback</h2><pre id=\"traceback\" class=\"traceback\">")
          .append(esc(t.path("traceback").asText()))
          .append("</pre>");
    }
    b.append(
        "<h2>Timeline</h2><table id=\"timeline\"><thead><tr><th>Time</th><th>Event</th><th>Worker</th></tr></thead><tbody>");
    for (JsonNode e : t.path("timeline")) {
      b.append("<tr><td>")
          .append(time(e.path("timestamp")))
          .append("</td><td>")
          .append(esc(e.path("type").asText()))
          .append("</td><td>")
          .append(esc(e.path("hostname").asText()))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String link(JsonNode id) {
    if (id == null || id.isNull() || id.isMissingNode()) {
      return "";
    }
    return "<a href=\"/tasks/" + url(id.asText()) + "\">" + esc(id.asText()) + "</a>";
  }

  private static void field(StringBuilder b, String label, String html, String id) {
    b.append("<dt>")
        .append(esc(label))
        .append("</dt><dd id=\"")
        .append(esc(id))
        .append("\">")
        .append(html)
        .append("</dd>");
  }
}
