package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Chain;
import dev.apium.Chord;
import dev.apium.Group;
import dev.apium.GroupResult;
import dev.apium.Signature;
import dev.apium.TaskFailedException;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canvas interop with real Celery 5.2.6 on Redis: workflows built in Python run on Apium workers
 * and the other way round, chords whose header runs on both, and 1,000 chords on 2 Apium workers.
 * Each test uses its own queues and record keys on db 12.
 */
class CanvasInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/12";
  static final Duration WAIT = Duration.ofSeconds(30);

  private final String queue = "canvas-" + UUID.randomUUID();
  private final Apium app =
      Apium.builder()
          .withoutEnvironment()
          .broker(REDIS)
          .backend(REDIS)
          .config("task_default_queue", queue)
          .build();
  private final PythonCelery python =
      new PythonCelery(REDIS, REDIS, queue).env("INTEROP_RECORD_URL", REDIS);
  private final CanvasInteropTasks canvasTasks = new CanvasInteropTasks(REDIS);
  private final List<Worker> workers = new ArrayList<>();
  private final RedisClient redisClient = RedisClient.create(REDIS);
  private final StatefulRedisConnection<String, String> redis = redisClient.connect();

  /** The same workflows, built by the Python client; run against whichever worker consumes. */
  static final String PYTHON_WORKFLOWS =
      """
      import re
      r = {}
      res = chain(t.add.s(1, 2), t.add.s(10), t.mul.s(2))()
      r['chain'] = res.get(timeout=30)
      r['chain_parents'] = [res.parent.get(timeout=30), res.parent.parent.get(timeout=30)]
      r['chord'] = chord([t.add.s(i, i) for i in range(5)])(t.tsum.s()).get(timeout=30)
      r['group_in_chain'] = chain(t.add.s(1, 1), group(t.add.s(1), t.add.s(2)), t.tsum.s())().get(timeout=30)
      r['chain_in_chord'] = chord([chain(t.add.s(1, 1), t.add.s(10)), t.add.s(2, 2)])(t.tsum.s()).get(timeout=30)
      r['group'] = group(t.add.s(2, 2), t.mul.s(3, 3))().get(timeout=30)
      t.add.apply_async((2, 2), link=t.add.s(10).set(task_id='%1$s')).get(timeout=30)
      r['link'] = AsyncResult('%1$s', app=app).get(timeout=30)
      try:
          chord([t.add.s(1, 1), t.fail.s('boom')])(t.tsum.s()).get(timeout=30, follow_parents=False)
          r['chord_fail'] = 'no error'
      except Exception as e:
          r['chord_fail'] = [type(e).__name__, re.sub('[0-9a-f-]{36}', 'ID', str(e))]
      out = r
      """;

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @AfterEach
  void stop() {
    workers.forEach(Worker::stopNow);
    python.close();
    app.close();
    canvasTasks.close();
    redis.close();
    redisClient.shutdown();
  }

  private Worker apiumWorker(String name, String... queues) {
    Worker worker =
        app.worker().nodename(name + "@" + UUID.randomUUID()).queues(queues).concurrency(4).start();
    workers.add(worker);
    return worker;
  }

  private void registerTasks() {
    app.register(new JavaInteropTasks(REDIS));
    app.register(canvasTasks);
  }

  private static void assertPythonWorkflows(JsonNode out) {
    assertThat(out.get("chain").asInt()).isEqualTo(26);
    assertThat(out.get("chain_parents").toString()).isEqualTo("[13,3]");
    assertThat(out.get("chord").asInt()).isEqualTo(20);
    assertThat(out.get("group_in_chain").asInt()).isEqualTo(7);
    assertThat(out.get("chain_in_chord").asInt()).isEqualTo(16);
    assertThat(out.get("group").toString()).isEqualTo("[4,9]");
    assertThat(out.get("link").asInt()).isEqualTo(14);
    assertThat(out.get("chord_fail").toString())
        .isEqualTo("[\"ChordError\",\"Dependency ID raised ValueError('boom')\"]");
  }

  @Test
  void pythonBuiltChainAndChordGiveTheSameResultsOnApiumAsOnPython() throws Exception {
    registerTasks();
    Worker worker = apiumWorker("apium", queue);
    JsonNode onApium = python.run(PYTHON_WORKFLOWS.formatted(UUID.randomUUID()));
    assertPythonWorkflows(onApium);
    assertThat(worker.processed()).isGreaterThanOrEqualTo(20);
    worker.stop(Duration.ofSeconds(10));
    python.startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    JsonNode onPython = python.run(PYTHON_WORKFLOWS.formatted(UUID.randomUUID()));
    assertThat(onPython).isEqualTo(onApium);
  }

  @Test
  void pythonClientFollowsAReplacementAndGetsOldStyleErrbacksFromAnApiumWorker() throws Exception {
    registerTasks();
    apiumWorker("apium", queue);
    String key = "errback-" + UUID.randomUUID();
    JsonNode out =
        python.run(
            """
            r = {}
            r['replaced'] = app.send_task('interop.jreplace', (5,)).get(timeout=30)
            failed = t.fail.apply_async(('x',), link_error=t.record.s('%s'))
            try:
                failed.get(timeout=30)
            except Exception:
                pass
            r['failed_id'] = failed.id
            out = r
            """
                .formatted(key));
    assertThat(out.get("replaced").asInt()).isEqualTo(16);
    String failedId = out.get("failed_id").asText();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(redis.sync().lrange(key, 0, -1)).containsExactly("java:" + failedId));
  }

  @Test
  void javaBuiltWorkflowsRunOnAPythonWorker() throws Exception {
    python.startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    Signature add = app.signature("interop.add");
    Signature tsum = app.signature("interop.tsum");
    AsyncResult<Object> chain =
        Chain.of(add.withArgs(1, 2), add.withArgs(10), app.signature("interop.mul", 2)).delay();
    assertThat(chain.get(WAIT)).isEqualTo(26);
    assertThat(chain.parent().get(WAIT)).isEqualTo(13);
    assertThat(chain.parent().parent().get(WAIT)).isEqualTo(3);
    List<dev.apium.Canvas> header = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      header.add(add.withArgs(i, i));
    }
    assertThat(Chord.of(header, tsum).delay().get(WAIT)).isEqualTo(20);
    assertThat(
            Chain.of(add.withArgs(1, 1), Group.of(add.withArgs(1), add.withArgs(2)), tsum)
                .delay()
                .get(WAIT))
        .isEqualTo(7);
    assertThat(
            Chord.of(
                    List.of(Chain.of(add.withArgs(1, 1), add.withArgs(10)), add.withArgs(2, 2)),
                    tsum)
                .delay()
                .get(WAIT))
        .isEqualTo(16);
    GroupResult group = Group.of(add.withArgs(2, 2), app.signature("interop.mul", 3, 3)).delay();
    assertThat(group.join(WAIT)).containsExactly(4, 9);
    group.save();
    JsonNode restored =
        python.run(
            "g = GroupResult.restore('%s', app=app)\nout = g.get(timeout=30)"
                .formatted(group.id()));
    assertThat(restored.toString()).isEqualTo("[4,9]");
    AsyncResult<Object> failed =
        Chord.of(
                List.of(
                    add.withArgs(1, 1),
                    app.signature("interop.fail", "boom").taskId("boom-" + queue)),
                tsum)
            .delay();
    assertThatThrownBy(() -> failed.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("ChordError");
              assertThat(e.remoteMessage())
                  .isEqualTo("Dependency boom-" + queue + " raised ValueError('boom')");
            });
  }

  @Test
  void chordWithHeaderOnBothLanguagesRunsItsBodyOnce() throws Exception {
    String pyQueue = queue + "-py";
    String javaQueue = queue + "-java";
    registerTasks();
    apiumWorker("apium", javaQueue);
    python.startWorker("py-" + UUID.randomUUID() + "@%h", 2, pyQueue);
    for (String bodyQueue : List.of(javaQueue, pyQueue)) {
      String key = "tally-" + UUID.randomUUID();
      List<dev.apium.Canvas> header = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        header.add(app.signature("interop.add", i, i).queue(i % 2 == 0 ? pyQueue : javaQueue));
      }
      AsyncResult<Object> body =
          Chord.of(header, app.signature("interop.tally", key).queue(bodyQueue)).delay();
      assertThat(body.get(WAIT)).isEqualTo(90);
      String who = bodyQueue.equals(pyQueue) ? "py" : "java";
      assertThat(redis.sync().lrange(key, 0, -1)).containsExactly(who + ":90");
    }
    String key = "tally-" + UUID.randomUUID();
    JsonNode fromPython =
        python.run(
            """
            header = [t.add.s(i, i).set(queue='%s' if i %% 2 else '%s') for i in range(10)]
            out = chord(header)(t.tally.s('%s').set(queue='%s')).get(timeout=30)
            """
                .formatted(javaQueue, pyQueue, key, pyQueue));
    assertThat(fromPython.asInt()).isEqualTo(90);
    assertThat(redis.sync().lrange(key, 0, -1)).containsExactly("py:90");
  }

  @Test
  void thousandChordsOfTwentyOnTwoApiumWorkersRunEveryBodyOnce() throws Exception {
    registerTasks();
    apiumWorker("apium-a", queue);
    apiumWorker("apium-b", queue);
    String key = "tally-" + UUID.randomUUID();
    ExecutorService senders = Executors.newFixedThreadPool(8);
    List<Future<AsyncResult<Object>>> bodies = new ArrayList<>();
    try {
      for (int c = 0; c < 1000; c++) {
        int chord = c;
        bodies.add(
            senders.submit(
                () -> {
                  List<dev.apium.Canvas> header = new ArrayList<>();
                  for (int i = 0; i < 20; i++) {
                    header.add(app.signature("interop.add", i, chord));
                  }
                  return Chord.of(header, app.signature("interop.tally", key)).delay();
                }));
      }
      for (int c = 0; c < bodies.size(); c++) {
        AsyncResult<Object> body = bodies.get(c).get(60, TimeUnit.SECONDS);
        assertThat(((Number) body.get(Duration.ofSeconds(60))).longValue())
            .isEqualTo(190 + 20L * c);
      }
    } finally {
      senders.shutdownNow();
    }
    List<String> runs = redis.sync().lrange(key, 0, -1);
    assertThat(runs).hasSize(1000);
    assertThat(new HashSet<>(runs)).hasSize(1000);
  }
}
