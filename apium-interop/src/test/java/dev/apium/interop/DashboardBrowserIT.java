package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.beat.Beat;
import dev.apium.beat.BeatEntry;
import dev.apium.beat.Schedule;
import dev.apium.dashboard.Dashboard;
import dev.apium.dashboard.DashboardSettings;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian's headless Chromium driven by playwright-core, script
 * apium-dashboard/browser-tests/dashboard.spec.mjs) watching a Python Celery 5.2.6 worker and an
 * Apium worker, on Redis db 0 and again on RabbitMQ (a vhost of its own; results on Redis db 0):
 * the worker list shows both; tasks sent from this test appear and reach SUCCESS / FAILURE without
 * a reload; a failed task shows its Python traceback; revoking from the page is refused until the
 * user logs in, then revokes; retry of the failed task (result_extended on) sends it again and the
 * new task appears; the overview's chart window switches to 15 minutes; the queues page shows the
 * depth per priority (Redis) or says it has depth only (RabbitMQ). Saves a screenshot of each page
 * into target/dashboard-screenshots/ (or the folder named by {@code -Dapium.screenshots}, e.g.
 * ../docs/dashboard to refresh the docs; the RabbitMQ run's go to
 * target/dashboard-screenshots-rabbitmq/). Unique queues and node names.
 */
class DashboardBrowserIT {
  static final String REDIS = "redis://127.0.0.1:6379/0";
  private static final Path BROWSER_TESTS =
      Path.of("..", "apium-dashboard", "browser-tests").toAbsolutePath().normalize();
  // target/ by default, so a test run leaves the checkout clean; the docs' screenshots are
  // refreshed with -Dapium.screenshots=../docs/dashboard.
  private static final Path SHOTS =
      Path.of(System.getProperty("apium.screenshots", "target/dashboard-screenshots"))
          .toAbsolutePath()
          .normalize();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String pyQueue = "dash-py-" + suffix;
  private final String javaQueue = "dash-java-" + suffix;
  private final String pyNode = "python-" + suffix + "@dashboard";
  private final String javaNode = "apium-" + suffix + "@dashboard";
  private PythonCelery python;
  private Apium app;
  private Worker worker;
  private Dashboard dashboard;
  private Beat beat;
  private Process node;
  private RabbitVhost vhost;

  @BeforeAll
  static void toolsAreInstalled() {
    assertThat(PythonCelery.available()).as("Debian python3-celery must be installed").isTrue();
    assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium must be installed").exists();
    assertThat(BROWSER_TESTS.resolve("node_modules/playwright-core"))
        .as("run `npm ci` in " + BROWSER_TESTS + " (bin/test does)")
        .exists();
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.destroyForcibly();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (beat != null) {
      beat.close();
    }
    if (worker != null) {
      worker.stop(Duration.ofSeconds(10));
    }
    if (python != null) {
      python.close();
    }
    if (app != null) {
      app.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  @Test
  void onRedis() throws Exception {
    watchBothWorkersInChromium(REDIS, "redis", SHOTS);
  }

  /** The same on RabbitMQ (a vhost of its own) with results on Redis, as Celery users often run. */
  @Test
  void onRabbitMqWithResultsOnRedis() throws Exception {
    vhost = new RabbitVhost();
    // never into the docs: their screenshots come from the Redis run
    watchBothWorkersInChromium(
        vhost.url(), "amqp", Path.of("target/dashboard-screenshots-rabbitmq").toAbsolutePath());
  }

  private void watchBothWorkersInChromium(String broker, String kind, Path shots) throws Exception {
    Files.createDirectories(shots);
    python =
        new PythonCelery(broker, REDIS, pyQueue)
            .env("INTEROP_EXTENDED", "1")
            .workerArgs("-E")
            .withHeartbeat();
    python.startWorker(pyNode, 2, pyQueue);
    app =
        Apium.builder()
            .withoutEnvironment()
            .broker(broker)
            .backend(REDIS)
            .config("task_default_queue", javaQueue)
            .config("worker_send_task_events", "true")
            .config("result_extended", "true")
            .build();
    app.register("dash.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    worker = app.worker().queues(javaQueue).concurrency(2).nodename(javaNode).start();
    beat =
        Beat.builder(app)
            .name("dashboard-" + suffix)
            .owner("beat-" + suffix)
            .entry(
                BeatEntry.of(
                        "python-every-10s",
                        Schedule.every(Duration.ofSeconds(10)),
                        "interop.add",
                        1,
                        2)
                    .withQueue(pyQueue))
            .start();
    dashboard =
        Dashboard.start(
            app,
            DashboardSettings.defaults().withPort(0).withAuth("admin:s3cret"),
            List.of(pyQueue, javaQueue),
            "dashboard-" + suffix,
            beat.entries());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> dashboard.state().workerNames().containsAll(List.of(pyNode, javaNode)));

    ProcessBuilder b =
        new ProcessBuilder("node", "dashboard.spec.mjs")
            .directory(BROWSER_TESTS.toFile())
            .redirectErrorStream(true);
    b.environment()
        .putAll(
            Map.of(
                "DASHBOARD_URL",
                "http://127.0.0.1:" + dashboard.port(),
                "PY_WORKER",
                pyNode,
                "JAVA_WORKER",
                javaNode,
                "SHOTS",
                shots.toString(),
                "BROKER_KIND",
                kind,
                "USER_NAME",
                "admin",
                "PASSWORD",
                "s3cret"));
    node = b.start();
    ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
    Writer toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    Map<String, String> ids = new LinkedHashMap<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(line);
        System.out.println("[browser] " + line);
        if (line.equals("@@READY tasks")) {
          ids.putAll(sendTasks());
          toNode.write(CeleryJson.write(ids) + "\n");
          toNode.flush();
        }
      }
    }
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("browser script output").contains("@@DONE");
    assertThat(node.exitValue()).isZero();
    assertThat(dashboard.state().task(ids.get("later")).path("state").asText())
        .isEqualTo("REVOKED");
    for (String page :
        List.of(
            "workers",
            "tasks",
            "task-failed",
            "task-retried",
            "task-revoked",
            "overview",
            "beat")) {
      assertThat(shots.resolve(page + ".png")).isNotEmptyFile();
    }
  }

  /** One task per worker that succeeds, one that fails, one held by its countdown to revoke. */
  private Map<String, String> sendTasks() {
    CallOptions toPython = CallOptions.create().queue(pyQueue);
    AsyncResult<Object> py = app.send("interop.add", List.of(2, 3), Map.of(), toPython);
    AsyncResult<Object> java = app.send("dash.add", List.of(4, 5), Map.of(), null);
    AsyncResult<Object> failed =
        app.send("interop.fail", List.of("shown in the browser"), Map.of(), toPython);
    AsyncResult<Object> later =
        app.send(
            "interop.add",
            List.of(1, 1),
            Map.of(),
            CallOptions.create().queue(pyQueue).countdown(Duration.ofSeconds(25)));
    return Map.of("python", py.id(), "java", java.id(), "failed", failed.id(), "later", later.id());
  }

  static {
    try {
      Files.createDirectories(SHOTS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
