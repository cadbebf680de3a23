package dev.apium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.beat.Beat;
import dev.apium.worker.Worker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's JSON API against real Redis (db 0, a queue and node name of its own) and an Apium
 * worker in this JVM with task events on: workers, tasks reaching SUCCESS and FAILURE with the
 * traceback, task detail, stats, queues, metrics, and the actions behind auth (refused without
 * credentials, with wrong ones, in read-only mode; done with basic auth).
 */
class DashboardApiIT {
  static final String REDIS = "redis://127.0.0.1:6379/0";
  private final String queue = "dash-api-" + UUID.randomUUID();
  private final String node = "apium-dash-" + UUID.randomUUID().toString().substring(0, 8) + "@api";
  private Apium app;
  private Worker worker;
  private Dashboard dashboard;
  private Http http;

  @BeforeEach
  void start() {
    app =
        Apium.builder()
            .withoutEnvironment()
            .broker(REDIS)
            .backend(REDIS)
            .config("task_default_queue", queue)
            .config("worker_send_task_events", "true")
            .build();
    app.register("dash.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    app.register(
        "dash.fail",
        call -> {
          throw new IllegalStateException("dashboard boom");
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
