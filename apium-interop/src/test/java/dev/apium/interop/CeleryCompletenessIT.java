package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Canvas;
import dev.apium.Chain;
import dev.apium.Chord;
import dev.apium.Group;
import dev.apium.GroupResult;
import dev.apium.ImproperlyConfigured;
import dev.apium.TaskFailedException;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 ("Celery completeness"), on Redis and on RabbitMQ (a vhost of its own; results on Redis
 * db 12): a real Celery 5.2.6 client runs the same calls against an Apium worker and then against a
 * Python worker and must see the same thing: exceptions with several (or no) arguments equal after
 * the round trip, {@code TypeError} in CPython's words on a bad arity, Celery's {@code
 * ImproperlyConfigured} on an empty-chain replacement, {@code request.properties}, {@code children}
 * after a link callback, a chain step, a task and a group sent from a task, and a task returning an
 * AsyncResult or a GroupResult read back as one. Unique queue per test.
 */
class CeleryCompletenessIT {
  static final String REDIS = "redis://127.0.0.1:6379/12";

  private final String queue = "c14-" + UUID.randomUUID();
  private RabbitVhost vhost;
  private Apium app;
  private PythonCelery python;
  private Worker worker;
  private CompletenessTasks completenessTasks;

  static final String CALLS =
      """
      import completeness_tasks as c
      import time
      def values(group_result):
          # Polls instead of get()/join(): the 5.2.6 client's result consumer can miss members that
          # finished before it subscribed (seen with results long stored), whoever stored them.
          deadline = time.time() + 30
          while not group_result.ready() and time.time() < deadline:
              time.sleep(0.05)
          return [m.result for m in group_result.results]
      from celery.exceptions import ImproperlyConfigured
      from celery.result import result_from_tuple
      r = {}
      try:
          c.fail2.delay('a', 'b').get(timeout=30)
          r['fail2'] = 'no error'
      except c.ExpectedException as e:
          r['fail2'] = [type(e).__name__, e == c.ExpectedException('a', 'b'), list(e.args)]
      try:
          c.fail0.delay().get(timeout=30)
          r['fail0'] = 'no error'
      except c.ExpectedException as e:
          r['fail0'] = [e == c.ExpectedException(), list(e.args)]
      for key, args, kwargs in [('arity', (1, 2, 3), {}), ('arity_missing', (1,), {}),
                                ('arity_kw', (1, 2), {'z': 3})]:
          try:
              app.send_task('c14.arity', args, kwargs).get(timeout=30)
              r[key] = 'no error'
          except TypeError as e:
              r[key] = str(e)
      try:
          c.replace_empty.delay().get(timeout=30)
          r['replace_empty'] = 'no error'
      except ImproperlyConfigured as e:
          r['replace_empty'] = [type(e).__module__, str(e)]
      res = c.props.apply_async(app_id='py-c14', priority=3)
      p = res.get(timeout=30)
      r['props'] = [{k: p.get(k) for k in ('app_id', 'delivery_mode', 'priority')},
                    p.get('correlation_id') == res.id, bool(p.get('reply_to'))]
      res = t.add.apply_async((2, 2), link=t.add.s(10))
      res.get(timeout=30)
      r['link_children'] = [[type(ch).__name__, ch.get(timeout=30)] for ch in res.children]
      res = chain(t.add.s(1, 2), t.add.s(10))()
      res.get(timeout=30)
      # The next step leaves before the first's result is stored (Celery's tracer, Apium's too).
      res.parent.get(timeout=30)
      r['chain_children'] = [ch.id == res.id for ch in res.parent.children]
      res = c.spawn.delay(5)
      res.get(timeout=30)
      r['spawn_children'] = [[type(ch).__name__, ch.get(timeout=30)] for ch in res.children]
      res = c.spawn_group.delay(3)
      res.get(timeout=30)
      r['group_children'] = [[type(ch).__name__, values(ch), len(ch.results)] for ch in res.children]
      res = c.replace_chain.delay(5)
      r['replaced'] = res.get(timeout=30)
      r['replaced_collect'] = [v for _, v in res.collect(timeout=30)]
      rr = result_from_tuple(c.returns_result.delay(4).get(timeout=30), app)
      r['returns_result'] = [type(rr).__name__, rr.get(timeout=30)]
      gr = result_from_tuple(c.returns_group.delay(3).get(timeout=30), app)
      r['returns_group'] = [type(gr).__name__, values(gr)]
      import os, time, uuid
      import redis as _redis
      rc = _redis.Redis.from_url(os.environ['INTEROP_RECORD_URL'])
      def wait_for(key):
          deadline = time.time() + 30
          while time.time() < deadline and not rc.exists(key):
              time.sleep(0.05)
      key = 'c14-errback-' + uuid.uuid4().hex
      res = chain(c.replace_failing.s(key), t.add.s(1))()
      try:
          res.get(timeout=30)
          r['replacing_chain'] = 'no error'
      except Exception as e:
          r['replacing_chain'] = type(e).__name__
      wait_for(key)
      r['replacing_chain_errbacks'] = [x.decode().split(':', 1)[1] for x in rc.lrange(key, 0, -1)]
      rc.delete(key)
      r['nested_chord'] = chord([chain(t.add.s(20, 1), group(t.add.s(21), t.add.s(21)))])(
          c.identity.s()).get(timeout=30)
      body = chord([t.add.s(1, 1), t.add.s(2, 2)])(group(t.tsum.s(), t.tsum.s()))
      r['chord_group_body'] = [type(body).__name__, values(body)]
      failed = chord([t.add.s(1, 1), t.fail.s('boom')])(t.tsum.s())
      try:
          failed.get(timeout=30, follow_parents=False)
      except Exception as e:
          r['failed_chord'] = type(e).__name__
      jkey = 'celery-taskset-meta-%s.j' % failed.parent.id
      r['failed_chord_join_kept'] = [rc.zcard(jkey), rc.ttl(jkey) > 0]
      rc.delete(jkey)
      key = 'c14-retry-' + uuid.uuid4().hex
      try:
          c.retry_max.delay(key).get(timeout=30)
          r['retry_max'] = 'no error'
      except Exception as e:
          r['retry_max'] = [type(e).__name__, rc.llen(key)]
      rc.delete(key)
      out = r
      """;

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (worker != null) {
      worker.stopNow();
    }
    if (python != null) {
      python.close();
    }
    if (app != null) {
      app.close();
    }
    if (completenessTasks != null) {
      completenessTasks.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  /** What an Apium client sees from whichever worker consumes the queue. */
  private void assertApiumClientCalls() throws Exception {
    Duration wait = Duration.ofSeconds(30);
    assertThatThrownBy(() -> app.send("c14.fail2", "a", "b").get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("ExpectedException");
              assertThat(e.module()).isEqualTo("completeness_tasks");
              assertThat(e.info().args()).containsExactly("a", "b");
            });
    assertThatThrownBy(() -> app.send("c14.arity", 1, 2, 3).get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("TypeError");
              assertThat(e.remoteMessage())
                  .isEqualTo("arity() takes 2 positional arguments but 3 were given");
            });
    assertThatThrownBy(() -> app.send("c14.replace_empty").get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.module() + "." + e.type())
                  .isEqualTo("celery.exceptions.ImproperlyConfigured");
              assertThat(e.remoteMessage()).isEqualTo("Cannot replace with an empty chain");
              assertThat(ImproperlyConfigured.is(e)).isTrue();
            });
    String linked = "c14-link-" + UUID.randomUUID();
    AsyncResult<Object> chain =
        Chain.of(app.signature("interop.add", 1, 2), app.signature("interop.add", 10))
            .link(app.signature("c14.identity").taskId(linked))
            .delay();
    assertThat(chain.get(wait)).isEqualTo(13);
    assertThat(app.result(linked).get(wait)).isEqualTo(13);
    assertThat(Group.of(app, List.of()).delay().join(wait)).isEmpty();
    Object expiresIn = app.send("c14.expires_in").get(wait);
    assertThat(((Number) expiresIn).doubleValue()).isBetween(20.0, 61.0);
    assertApiumClientReadsResultTrees(wait);
  }

  /**
   * Children, collect, result tuples, a chain ending in a group, a chord whose header holds one
   * ({@code [[42, 42]]}, its header saved as Celery's client saves it) and a chord with a group
   * body, as an Apium client sees them from whichever worker runs them.
   */
  private void assertApiumClientReadsResultTrees(Duration wait) {
    AsyncResult<Object> linked =
        app.signature("interop.add", 2, 2).link(app.signature("interop.add", 10)).delay();
    assertThat(linked.get(wait)).isEqualTo(4);
    assertThat(linked.children()).hasSize(1);
    assertThat(linked.children().get(0).get(wait)).isEqualTo(14);
    assertThat(linked.collect(wait)).extracting(Map.Entry::getValue).containsExactly(4, 14);

    AsyncResult<Object> step =
        Chain.of(app.signature("interop.add", 1, 2), app.signature("interop.add", 10)).delay();
    assertThat(step.get(wait)).isEqualTo(13);
    // A worker sends the next step before it stores the first's result (as Celery's tracer does),
    // so the last step may be done before the first's children are stored.
    assertThat(step.parent().get(wait)).isEqualTo(3);
    assertThat(step.parent().children()).extracting(AsyncResult::id).containsExactly(step.id());

    AsyncResult<Object> spawn = app.send("c14.spawn", 5);
    assertThat(spawn.get(wait)).isEqualTo(5);
    assertThat(spawn.children())
        .singleElement()
        .satisfies(c -> assertThat(c.get(wait)).isEqualTo(6));
    AsyncResult<Object> spawnGroup = app.send("c14.spawn_group", 3);
    assertThat(spawnGroup.get(wait)).isEqualTo(3);
    assertThat(spawnGroup.children())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.group()).isPresent();
              assertThat(c.get(wait)).isEqualTo(List.of(0, 2, 4));
            });
    AsyncResult<Object> replaced = app.send("c14.replace_chain", 5);
    assertThat(replaced.get(wait)).isEqualTo(16);
    List<Object> collected = replaced.collect(wait).stream().map(Map.Entry::getValue).toList();
    assertThat(collected).first().isEqualTo(16);
    collectedPerWorker.add(collected);

    AsyncResult<Object> returned =
        AsyncResult.fromTuple(app, app.send("c14.returns_result", 4).get(wait));
    assertThat(returned.group()).isEmpty();
    assertThat(returned.get(wait)).isEqualTo(8);
    AsyncResult<Object> returnedGroup =
        AsyncResult.fromTuple(app, app.send("c14.returns_group", 3).get(wait));
    assertThat(returnedGroup.group()).isPresent();
    assertThat(returnedGroup.get(wait)).isEqualTo(List.of(0, 2, 4));

    AsyncResult<Object> endsInGroup =
        Chain.of(
                app.signature("interop.add", 1, 1),
                Group.of(app.signature("interop.add", 10), app.signature("interop.add", 20)))
            .delay();
    assertThat(endsInGroup.get(wait)).isEqualTo(List.of(12, 22));
    assertThat(endsInGroup.group().orElseThrow().parent().get(wait)).isEqualTo(2);

    AsyncResult<Object> nested =
        Chord.of(
                List.<Canvas>of(
                    Chain.of(
                        app.signature("interop.add", 20, 1),
                        Group.of(
                            app.signature("interop.add", 21), app.signature("interop.add", 21)))),
                app.signature("c14.identity"))
            .delay();
    assertThat(nested.get(wait)).isEqualTo(List.of(List.of(42, 42)));
    nestedHeaderIds.add(nested.parent().id());
    assertThat(GroupResult.restore(app, nested.parent().id()).orElseThrow().results())
        .singleElement()
        .satisfies(member -> assertThat(member.group()).isPresent());

    AsyncResult<Object> groupBody =
        Chord.of(
                List.<Canvas>of(
                    app.signature("interop.add", 1, 1), app.signature("interop.add", 2, 2)),
                Group.of(app.signature("interop.tsum"), app.signature("interop.tsum")))
            .delay();
    assertThat(groupBody.get(wait)).isEqualTo(List.of(6, 6));
  }

  /** What collect() gave after a replacement, from each worker in turn: the same from both. */
  private final List<List<Object>> collectedPerWorker = new java.util.ArrayList<>();

  /** Header ids of the nested chords the Apium client sent (their saved GroupResults). */
  private final List<String> nestedHeaderIds = new java.util.ArrayList<>();

  /**
   * The shape (ids blanked) of what Celery's own client saves as a nested chord header's
   * GroupResult, and of what the Apium client saved for each id in {@link #nestedHeaderIds}.
   */
  static final String SAVED_HEADERS =
      """
      import json, os
      import completeness_tasks as c
      import redis as _redis
      rc = _redis.Redis.from_url(os.environ['INTEROP_BACKEND'])
      def shape(node):
          if isinstance(node, list):
              return [shape(x) for x in node]
          return None if node is None else 'id'
      def saved(gid):
          return shape(json.loads(rc.get('celery-taskset-meta-%s' % gid))['result'])
      res = chord([chain(t.add.s(20, 1), group(t.add.s(21), t.add.s(21)))])(c.identity.s())
      value = res.get(timeout=30)
      restored = GroupResult.restore(os.environ['APIUM_HEADERS'].split(',')[0], app=app)
      out = {'python': [value, saved(res.parent.id)],
             'apium': [saved(g) for g in os.environ['APIUM_HEADERS'].split(',')],
             'restored': [type(r).__name__ for r in restored.results]}
      """;

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void apiumClientSeesTheSameFromAnApiumWorkerAsFromAPythonWorker(String transport)
      throws Exception {
    start(transport);
    app.register(new JavaInteropTasks(REDIS));
    completenessTasks = new CompletenessTasks(REDIS);
    app.register(completenessTasks);
    worker = app.worker().nodename("c14@" + UUID.randomUUID()).queues(queue).concurrency(4).start();
    assertApiumClientCalls();
    worker.stop(Duration.ofSeconds(10));
    worker = null;
    python.startWorker("py-c14-" + UUID.randomUUID() + "@%h", 2, queue);
    assertApiumClientCalls();
    assertThat(collectedPerWorker).hasSize(2);
    assertThat(collectedPerWorker.get(0)).isEqualTo(collectedPerWorker.get(1));
    python.env("APIUM_HEADERS", String.join(",", nestedHeaderIds));
    JsonNode headers = python.run(SAVED_HEADERS);
    assertThat(headers.get("python").get(0).toString()).isEqualTo("[[42,42]]");
    JsonNode pythonShape = headers.get("python").get(1);
    assertThat(pythonShape.toString()).contains("[[[\"id\",null],null],[[\"id\",null],null]]");
    assertThat(headers.get("apium"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s).isEqualTo(pythonShape));
    assertThat(headers.get("restored").toString()).isEqualTo("[\"GroupResult\"]");
  }

  private void start(String transport) throws Exception {
    String broker = REDIS;
    if (transport.equals("amqp")) {
      vhost = new RabbitVhost();
      broker = vhost.url();
    }
    app =
        Apium.builder()
            .withoutEnvironment()
            .broker(broker)
            .backend(REDIS)
            .config("task_default_queue", queue)
            .build();
    python =
        new PythonCelery(broker, REDIS, queue)
            .env("INTEROP_RECORD_URL", REDIS)
            .workerArgs("-I", "completeness_tasks");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void pythonClientSeesTheSameFromAnApiumWorkerAsFromAPythonWorker(String transport)
      throws Exception {
    start(transport);
    app.register(new JavaInteropTasks(REDIS));
    completenessTasks = new CompletenessTasks(REDIS);
    app.register(completenessTasks);
    worker = app.worker().nodename("c14@" + UUID.randomUUID()).queues(queue).concurrency(4).start();
    JsonNode onApium = python.run(CALLS);

    assertThat(onApium.get("fail2").toString())
        .isEqualTo("[\"ExpectedException\",true,[\"a\",\"b\"]]");
    assertThat(onApium.get("fail0").toString()).isEqualTo("[true,[]]");
    assertThat(onApium.get("arity").asText())
        .isEqualTo("arity() takes 2 positional arguments but 3 were given");
    assertThat(onApium.get("arity_missing").asText())
        .isEqualTo("arity() missing 1 required positional argument: 'y'");
    assertThat(onApium.get("arity_kw").asText())
        .isEqualTo("arity() got an unexpected keyword argument 'z'");
    assertThat(onApium.get("replace_empty").toString())
        .isEqualTo("[\"celery.exceptions\",\"Cannot replace with an empty chain\"]");
    assertThat(onApium.get("props").toString())
        .isEqualTo("[{\"app_id\":\"py-c14\",\"delivery_mode\":2,\"priority\":3},true,true]");
    assertThat(onApium.get("link_children").toString()).isEqualTo("[[\"AsyncResult\",14]]");
    assertThat(onApium.get("chain_children").toString()).isEqualTo("[true]");
    assertThat(onApium.get("spawn_children").toString()).isEqualTo("[[\"AsyncResult\",6]]");
    assertThat(onApium.get("group_children").toString()).isEqualTo("[[\"GroupResult\",[0,2,4],3]]");
    assertThat(onApium.get("replaced").asInt()).isEqualTo(16);
    assertThat(onApium.get("returns_result").toString()).isEqualTo("[\"AsyncResult\",8]");
    assertThat(onApium.get("returns_group").toString()).isEqualTo("[\"GroupResult\",[0,2,4]]");
    assertThat(onApium.get("replacing_chain").asText()).isEqualTo("ValueError");
    assertThat(onApium.get("replacing_chain_errbacks").toString()).isEqualTo("[\"errback\"]");
    assertThat(onApium.get("nested_chord").toString()).isEqualTo("[[42,42]]");
    assertThat(onApium.get("chord_group_body").toString()).isEqualTo("[\"GroupResult\",[6,6]]");
    assertThat(onApium.get("failed_chord").asText()).isEqualTo("ChordError");
    assertThat(onApium.get("failed_chord_join_kept").toString()).isEqualTo("[2,true]");
    assertThat(onApium.get("retry_max").toString()).isEqualTo("[\"MaxRetriesExceededError\",2]");

    worker.stop(Duration.ofSeconds(10));
    worker = null;
    python.startWorker("py-c14-" + UUID.randomUUID() + "@%h", 2, queue);
    JsonNode onPython = python.run(CALLS);
    assertThat(onApium).isEqualTo(onPython);
  }
}
