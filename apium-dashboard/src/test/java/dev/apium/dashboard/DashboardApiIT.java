package dev.apium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.beat.Beat;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's JSON API against real Redis (db 0, a queue and node name of its own) and an Apium
 * worker in this JVM with task events on: workers, tasks reaching SUCCESS and FAILURE with the
 * traceback, task detail, stats and their chart windows, queues with their depth per priority,
 * metrics, retry of a failed task from its stored (result_extended) arguments, and the actions
 * behind auth (refused without credentials, with wrong ones, in read-only mode; done with basic
 * auth).
 */
class DashboardApiIT {
  static final String REDIS = "redis://127.0.0.1:6379/0";
  private final String queue = "dash-api-" + UUID.randomUUID();
  private final String node = "apium-dash-" + UUID.randomUUID().toString().substring(0, 8) + "@api";
  private Apium app;
  private Worker worker;
  private Dashboard dashboard;
  private Http http;
  private final AtomicInteger flakyRuns = new AtomicInteger();

  @BeforeEach
  void start() {
    app =
        Apium.builder()
            .withoutEnvironment()
            .broker(REDIS)
            .backend(REDIS)
            .config("task_default_queue", queue)
            .config("worker_send_task_events", "true")
            .config("result_extended", "true")
            .build();
    app.register("dash.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    app.register(
        "dash.fail",
        call -> {
          throw new IllegalStateException("dashboard boom");
        });
    app.register(
        "dash.flaky",
        call -> {
          if (flakyRuns.getAndIncrement() == 0) {
            throw new IllegalStateException("flaky the first time");
          }
          return call.arg(0, int.class) + call.arg(1, int.class) + call.kwarg("plus", int.class);
        });
    worker = app.worker().queues(queue).concurrency(2).nodename(node).start();
    dashboard =
        Dashboard.start(
            app,
            DashboardSettings.defaults().withPort(0).withAuth("admin:s3cret").withHistorySize(100),
            List.of(queue));
    http = new Http(dashboard.port());
  }

  @AfterEach
  void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (worker != null) {
      worker.stop(Duration.ofSeconds(10));
    }
    if (app != null) {
      app.close();
    }
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void workersTasksAndDetail() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/workers").toString().contains(node));
    JsonNode w = null;
    for (JsonNode each : http.json("/api/workers")) {
      if (each.path("hostname").asText().equals(node)) {
        w = each;
      }
    }
    assertThat(w.path("online").asBoolean()).isTrue();
    assertThat(w.path("sw_ident").asText()).isNotBlank();

    AsyncResult<Object> ok = app.send("dash.add", List.of(2, 3), Map.of(), null);
    AsyncResult<Object> bad = app.send("dash.fail", List.of(), Map.of(), null);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/tasks/" + ok.id()).path("state").asText().equals("SUCCESS"));
    JsonNode done = http.json("/api/tasks/" + ok.id());
    assertThat(done.path("name").asText()).isEqualTo("dash.add");
    assertThat(done.path("worker").asText()).isEqualTo(node);
    assertThat(done.path("result").asText()).isEqualTo("5");
    assertThat(done.path("timeline").findValuesAsText("type"))
        .contains("task-received", "task-started", "task-succeeded");

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/tasks/" + bad.id()).path("state").asText().equals("FAILURE"));
    JsonNode failed = http.json("/api/tasks/" + bad.id());
    assertThat(failed.path("exception").asText()).contains("dashboard boom");
    assertThat(failed.path("traceback").asText()).contains("IllegalStateException");

    assertThat(http.json("/api/tasks?state=FAILURE&worker=" + node).toString())
        .contains(bad.id())
        .doesNotContain(ok.id());
    assertThat(http.json("/api/tasks?q=dash.add").toString()).contains(ok.id());
    assertThat(http.get("/api/tasks/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    assertThat(http.get("/api/tasks?limit=zero").statusCode()).isEqualTo(400);
    assertThat(http.json("/api/stats").path("states").path("SUCCESS").asInt()).isGreaterThan(0);
    assertThat(http.json("/api/queues").toString()).contains(queue);
    assertThat(http.json("/api/workers/" + node).path("inspect").path("registered").toString())
        .contains("dash.add");
    assertThat(http.get("/metrics").body())
        .contains("apium_dashboard_worker_processed_total{worker=\"" + node + "\"}");
    assertThat(http.get("/tasks/" + bad.id()).body())
        .contains("id=\"traceback\"", "dashboard boom");
    assertThat(http.get("/workers").body()).contains(node);
  }

  @Test
  void actionsNeedCredentialsAndRevokeWorks() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/workers").toString().contains(node));
    AsyncResult<Object> later =
        app.send(
            "dash.add",
            List.of(1, 1),
            Map.of(),
            CallOptions.create().countdown(Duration.ofSeconds(3)));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> http.json("/api/tasks/" + later.id()).path("state").asText().equals("RECEIVED"));
    String path = "/api/tasks/" + later.id() + "/revoke";
    assertThat(http.post(path, null).statusCode()).isEqualTo(401);
    assertThat(http.post(path, basic("admin:wrong")).statusCode()).isEqualTo(401);
    assertThat(http.post(path, "Bearer s3cret").statusCode())
        .as("a token is not a password")
        .isEqualTo(401);
    assertThat(http.get("/api/tasks/" + later.id()).body()).doesNotContain("REVOKED");

    HttpResponse<String> revoked = http.post(path, basic("admin:s3cret"));
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(revoked.body()).contains(node);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> http.json("/api/tasks/" + later.id()).path("state").asText().equals("REVOKED"));

    assertThat(http.post("/api/workers/" + node + "/pool?n=0", basic("admin:s3cret")).statusCode())
        .isEqualTo(400);
    HttpResponse<String> grown =
        http.post("/api/workers/" + node + "/pool?n=1", basic("admin:s3cret"));
    assertThat(grown.statusCode()).isEqualTo(200);
    assertThat(grown.body()).contains(node);
    HttpResponse<String> limited =
        http.post(
            "/api/workers/" + node + "/rate-limit?task=dash.add&rate=100/s", basic("admin:s3cret"));
    assertThat(limited.statusCode()).isEqualTo(200);
    assertThat(limited.body()).contains(node);
    String extra = queue + "-extra";
    HttpResponse<String> added =
        http.post("/api/workers/" + node + "/consumer?queue=" + extra, basic("admin:s3cret"));
    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(added.body()).contains(node, extra);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/queues").toString().contains(extra));
    HttpResponse<String> cancelled =
        http.post(
            "/api/workers/" + node + "/consumer?cancel=true&queue=" + extra, basic("admin:s3cret"));
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.body()).contains(node);
    assertThat(http.post("/api/queues/" + queue + "/purge", basic("admin:s3cret")).statusCode())
        .as("purge without confirm")
        .isEqualTo(400);
    assertThat(
            http.post("/api/queues/" + queue + "/purge?confirm=" + queue, basic("admin:s3cret"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void retryResendsAFailedTaskWithItsStoredArguments() throws Exception {
    AsyncResult<Object> first = app.send("dash.flaky", List.of(20, 20), Map.of("plus", 2), null);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> http.json("/api/tasks/" + first.id()).path("state").asText().equals("FAILURE"));
    JsonNode plan = http.json("/api/tasks/" + first.id() + "/retry");
    assertThat(plan.path("possible").asBoolean()).as(plan.toString()).isTrue();
    assertThat(plan.path("queue").asText()).isEqualTo(queue);
    assertThat(http.get("/tasks/" + first.id()).body()).contains("id=\"retry\"");

    String path = "/api/tasks/" + first.id() + "/retry";
    assertThat(http.post(path, null).statusCode()).isEqualTo(401);
    HttpResponse<String> retried = http.post(path, basic("admin:s3cret"));
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    String again = CeleryJson.parse(retried.body()).path("task_id").asText();
    assertThat(again).isNotBlank().isNotEqualTo(first.id());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/tasks/" + again).path("state").asText().equals("SUCCESS"));
    JsonNode ran = http.json("/api/tasks/" + again);
    assertThat(ran.path("name").asText()).isEqualTo("dash.flaky");
    assertThat(ran.path("result").asText()).isEqualTo("42");
    assertThat(flakyRuns.get()).isEqualTo(2);
    HttpResponse<String> notFailed =
        http.post("/api/tasks/" + again + "/retry", basic("admin:s3cret"));
    assertThat(notFailed.statusCode()).isEqualTo(409);
    assertThat(notFailed.body()).contains("only failed or revoked");
  }

  @Test
  void retryWithoutExtendedResultsSaysHowToTurnThemOn() throws Exception {
    String id = UUID.randomUUID().toString();
    app.backend()
        .store(
            ResultMeta.failure(
                id,
                ExceptionInfo.of("builtins", "ValueError", "stored without result_extended"),
                "Traceback...",
                Instant.now()));
    dashboard
        .state()
        .apply(
            CeleryJson.parse(
                "{\"type\":\"task-failed\",\"uuid\":\""
                    + id
                    + "\",\"exception\":\"ValueError()\",\"hostname\":\"py@x\",\"timestamp\":"
                    + Api.now()
                    + "}"));
    JsonNode plan = http.json("/api/tasks/" + id + "/retry");
    assertThat(plan.path("possible").asBoolean()).isFalse();
    assertThat(plan.path("reason").asText()).contains("result_extended=True");
    HttpResponse<String> refused = http.post("/api/tasks/" + id + "/retry", basic("admin:s3cret"));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("result_extended=True");
    String page = http.get("/tasks/" + id).body();
    assertThat(page).contains("id=\"retry-unavailable\"", "result_extended=True");
    assertThat(page).doesNotContain("id=\"retry\"");
    app.backend().forget(id);
  }

  @Test
  void queueDepthPerPriorityOnRedis() throws Exception {
    String idle = queue + "-prio";
    CallOptions lowest = CallOptions.create().queue(idle);
    app.send("dash.add", List.of(1, 1), Map.of(), lowest);
    app.send("dash.add", List.of(1, 1), Map.of(), CallOptions.create().queue(idle).priority(0));
    app.send("dash.add", List.of(1, 1), Map.of(), CallOptions.create().queue(idle).priority(4));
    app.send("dash.add", List.of(1, 1), Map.of(), CallOptions.create().queue(idle).priority(9));
    try (Dashboard d =
        Dashboard.start(app, DashboardSettings.defaults().withPort(0), List.of(idle))) {
      Http h = new Http(d.port());
      JsonNode q = null;
      for (JsonNode each : h.json("/api/queues")) {
        if (each.path("name").asText().equals(idle)) {
          q = each;
        }
      }
      assertThat(q).as("queue %s listed", idle).isNotNull();
      assertThat(q.path("messages").asLong()).isEqualTo(4);
      assertThat(q.path("priorities").toString()).isEqualTo("{\"0\":2,\"3\":1,\"6\":0,\"9\":1}");
      assertThat(h.get("/queues").body()).contains("data-priority=\"9\">9: 1<");
    } finally {
      app.broker().purge(idle);
    }
  }

  @Test
  void chartWindowsAreSelectable() throws Exception {
    JsonNode hour = http.json("/api/stats?window=1h");
    assertThat(hour.path("bucket_seconds").asInt()).isEqualTo(60);
    assertThat(hour.path("succeeded")).hasSize(60);
    assertThat(http.json("/api/stats?window=15m").path("bucket_seconds").asInt()).isEqualTo(15);
    assertThat(http.get("/api/stats?window=2d").body()).contains("2m, 15m, 1h");
    String page = http.get("/?window=15m").body();
    assertThat(page).contains("last 15 min", "data-live=\"/fragment/overview?window=15m\"");
  }

  @Test
  void beatEntriesLastRunAndLeader() throws Exception {
    String beatName = "dash-beat-" + UUID.randomUUID();
    try (Beat beat =
            Beat.builder(app)
                .name(beatName)
                .owner("beat-owner-" + node)
                .every("dash-every-second", Duration.ofSeconds(1), "dash.add", 1, 2)
                .start();
        Dashboard withBeat =
            Dashboard.start(
                app,
                DashboardSettings.defaults().withPort(0),
                List.of(),
                beatName,
                beat.entries())) {
      Http h = new Http(withBeat.port());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> h.json("/api/beat").path("entries").path(0).hasNonNull("last_run"));
      JsonNode b = h.json("/api/beat");
      assertThat(b.path("leader").asText()).isEqualTo("beat-owner-" + node);
      assertThat(b.path("entries").path(0).path("task").asText()).isEqualTo("dash.add");
      assertThat(b.path("entries").path(0).path("next_run").asText()).isNotBlank();
      assertThat(h.get("/beat").body()).contains("dash-every-second", "beat-owner-" + node);
    }
  }

  @Test
  void readOnlyAndNoCredentialsRefuseActions() throws Exception {
    try (Dashboard ro =
            Dashboard.start(
                app,
                DashboardSettings.defaults().withPort(0).withAuth("t0ken").withReadOnly(true));
        Dashboard none = Dashboard.start(app, DashboardSettings.defaults().withPort(0))) {
      HttpResponse<String> r =
          new Http(ro.port()).post("/api/workers/" + node + "/shutdown", "Bearer t0ken");
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("read-only");
      HttpResponse<String> n =
          new Http(none.port()).post("/api/workers/" + node + "/shutdown", null);
      assertThat(n.statusCode()).isEqualTo(403);
      assertThat(n.body()).contains("--auth");
    }
    assertThat(worker.isRunning()).isTrue();
  }
}
