package dev.apium.dashboard;

import static dev.apium.dashboard.Html.esc;
import static dev.apium.dashboard.Html.url;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.DeadLetters;
import dev.apium.spi.DeadLetters.DeadLetter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dead letters (the messages the broker moved aside), as Sidekiq's dead set: the list and one
 * letter as HTML and JSON ({@code /api/dead}), and the replay / purge actions behind {@link Auth}.
 * Brokers without dead letters get a one-line explanation. Handlers run on HTTP threads.
 */
final class DeadLetterPages {
  private static final int LIMIT = 200;
  private final Apium app;
  private final Auth auth;
  private final List<String> queues;

  DeadLetterPages(Apium app, Auth auth, List<String> queues) {
    this.app = app;
    this.auth = auth;
    this.queues = queues;
  }

  private Optional<DeadLetters> letters() {
    return app.broker().deadLetters();
  }

  void routes(RoutesConfig r) {
    r.get(
        "/api/dead",
        ctx -> {
          if (letters().isEmpty()) {
            Api.error(ctx, 404, unsupported());
            return;
          }
          ArrayNode out = CeleryJson.array();
          letters().get().list(queues, LIMIT).forEach(d -> out.add(json(d)));
          Api.json(ctx, out);
        });
    r.post("/api/dead/{id}/replay", ctx -> act(ctx, "replay"));
    r.post("/api/dead/purge", ctx -> act(ctx, "purge"));
  }

  private void act(Context ctx, String what) {
    Auth.Verdict v = auth.check(ctx);
    if (v != Auth.Verdict.ALLOWED) {
      Api.error(ctx, v.status, v.message);
      return;
    }
    if (letters().isEmpty()) {
      Api.error(ctx, 404, unsupported());
      return;
    }
    if (what.equals("purge")) {
      Api.json(ctx, Map.of("ok", "purged " + letters().get().purge(queues) + " dead letter(s)"));
    } else if (letters().get().replay(queues, ctx.pathParam("id"))) {
      Api.json(ctx, Map.of("ok", "replayed " + ctx.pathParam("id")));
    } else {
      Api.error(ctx, 404, "no dead letter " + ctx.pathParam("id"));
    }
  }

  private String unsupported() {
    return "broker " + app.broker().describe() + " keeps no dead letters";
  }

  private static ObjectNode json(DeadLetter d) {
    ObjectNode o = CeleryJson.object();
    o.put("id", d.id());
    o.put("queue", d.queue());
    o.put("reason", d.reason());
    o.put("dead_at", d.deadAt() == null ? null : d.deadAt().toString());
    o.put("task_id", d.taskId());
    o.put("task", d.task());
    return o;
  }

  String list() {
    if (letters().isEmpty()) {
      return "<p class=\"muted\">" + esc(unsupported()) + ".</p>";
    }
    List<DeadLetter> all = letters().get().list(queues, LIMIT);
    StringBuilder b =
        new StringBuilder(
            "<p class=\"actions\"><button class=\"action\" id=\"dead-purge\" data-action=\"/api/dead/purge\""
                + " data-confirm=\"Drop every dead letter?\">Purge all</button></p>"
                + "<table id=\"dead\"><thead><tr><th>Id</th><th>Queue</th><th>Dead at</th><th>Task</th>"
                + "<th>Reason</th><th></th></tr></thead><tbody>");
    for (DeadLetter d : all) {
      b.append("<tr><td><a href=\"/dead/")
          .append(url(d.id()))
          .append("\">")
          .append(esc(d.id()))
          .append("</a></td><td>")
          .append(esc(d.queue()))
          .append("</td><td>")
          .append(esc(d.deadAt()))
          .append("</td><td>")
          .append(esc(d.task()))
          .append("</td><td>")
          .append(esc(d.reason()))
          .append("</td><td><button class=\"action\" data-action=\"/api/dead/")
          .append(esc(url(d.id())))
          .append("/replay\">Replay</button></td></tr>");
    }
    if (all.isEmpty()) {
      b.append("<tr><td colspan=\"6\" class=\"muted\">No dead letters.</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  String show(String id) {
    if (letters().isEmpty()) {
      return "<p class=\"muted\">" + esc(unsupported()) + ".</p>";
    }
    return letters()
        .get()
        .find(queues, id)
        .map(
            d ->
                "<p class=\"actions\"><button class=\"action\" data-action=\"/api/dead/"
                    + esc(url(d.id()))
                    + "/replay\">Replay</button></p><dl class=\"fields\"><dt>queue</dt><dd>"
                    + esc(d.queue())
                    + "</dd><dt>reason</dt><dd>"
                    + esc(d.reason())
                    + "</dd><dt>task</dt><dd>"
                    + esc(d.task())
                    + " "
                    + esc(d.taskId())
                    + "</dd></dl><h2>Message</h2><pre class=\"json\">"
                    + esc(d.raw())
                    + "</pre>")
        .orElse("<p class=\"muted\">No dead letter " + esc(id) + ".</p>");
  }
}
