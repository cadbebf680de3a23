package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Task replacement, addToChord, chord_unlock and the no-hang chord guarantees on memory://. */
class ReplaceAndChordTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  private final Apium app = TestApps.memory();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(Worker::stopNow);
    app.close();
  }

  private void start(int count, int concurrency) {
    for (int i = 0; i < count; i++) {
      workers.add(app.worker().nodename("w" + i + "@test").concurrency(concurrency).start());
    }
  }

  private Signature add(Object... args) {
    return app.signature("math.add", args);
  }

  @Test
  void replacedTaskResultIsTheReplacementsResult() {
    app.register(new MathTasks());
    app.register(
        "t.replace_with_chain",
        call -> {
          int x = call.arg(0, Integer.class);
          throw call.context().replace(Chain.of(add(x, 1), add(10)));
        });
    app.register(
        "t.replace_with_group",
        call -> {
          throw call.context().replace(Group.of(add(1, 1), add(2, 2)));
        });
    start(1, 4);
    AsyncResult<Object> single = app.signature("t.replace_with_chain", 5).delay();
    assertThat(single.get(WAIT)).isEqualTo(16);
    assertThat(app.signature("t.replace_with_group").delay().get(WAIT)).isEqualTo(List.of(2, 4));
    AsyncResult<Object> inChain =
        Chain.of(app.signature("t.replace_with_chain", 5), add(100)).delay();
    assertThat(inChain.get(WAIT)).isEqualTo(116);
    assertThat(inChain.parent().get(WAIT)).isEqualTo(16);
    AsyncResult<Object> linked =
        app.signature("t.replace_with_chain", 1).link(add(1000).taskId("after-replace")).delay();
    assertThat(linked.get(WAIT)).isEqualTo(12);
    assertThat(app.result("after-replace").get(WAIT)).isEqualTo(1012);
    AsyncResult<Integer> chord =
        Chord.of(
                List.of(app.signature("t.replace_with_chain", 0), add(1, 1)),
                app.signature("math.sum"))
            .delay(Integer.class);
    assertThat(chord.get(WAIT)).isEqualTo(13);
  }

  @Test
  void addToChordMakesTheBodyWaitForTheAddedTask() {
    app.register(new MathTasks());
    app.register(
        "t.grow",
        call -> {
          call.context().addToChord(add(100, 100));
          return 1;
        });
    app.register("t.outside", call -> call.context().addToChord(add(1, 1)));
    start(1, 4);
    AsyncResult<Integer> body =
        Chord.of(List.of(app.signature("t.grow"), add(2, 3)), app.signature("math.sum"))
            .delay(Integer.class);
    assertThat(body.get(WAIT)).isEqualTo(206);
    AsyncResult<Object> outside = app.signature("t.outside").delay();
    assertThatThrownBy(() -> outside.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> assertThat(e.remoteMessage()).contains("not a member of a chord"));
  }

  @Test
  void chordUnlockJoinsLikeCelerysFallback() {
    app.register(new MathTasks());
    start(1, 4);
    GroupResult header = Group.of(add(1, 2), add(3, 4)).delay();
    ArrayNode tuples = CeleryJson.array();
    header
        .results()
        .forEach(r -> tuples.addArray().add(CeleryJson.array().add(r.id()).addNull()).addNull());
    dev.apium.protocol.Signature body = app.signature("math.sum").taskId("unlocked-body").data();
    app.send(
        "celery.chord_unlock",
        List.of(header.id(), CeleryJson.MAPPER.convertValue(body.toJson(), Map.class)),
        Map.of("result", tuples, "interval", 0.05),
        null);
    assertThat(app.result("unlocked-body", Integer.class).get(WAIT)).isEqualTo(10);
  }

  @Test
  void retriedAndRedeliveredHeaderTasksAreCountedOnce() throws Exception {
    Map<String, AtomicInteger> bodyRuns = new ConcurrentHashMap<>();
    CountDownLatch gate = new CountDownLatch(1);
    app.register("t.id", Integer.class, x -> x);
    app.register(
        "t.gated",
        call -> {
          if (call.context().retries() == 0) {
            throw call.context().retry(Duration.ofMillis(50), null);
          }
          return gate.await(20, TimeUnit.SECONDS) ? 100 : -1;
        });
    app.register(
        "t.body",
        call -> {
          bodyRuns.computeIfAbsent(call.context().id(), k -> new AtomicInteger()).incrementAndGet();
          return call.arg(0, List.class);
        });
    start(1, 2);
    Signature member = app.signature("t.id", 7).taskId("member-0");
    AsyncResult<Object> body =
        Chord.of(List.of(member, app.signature("t.gated")), app.signature("t.body")).delay();
    assertThat(app.result("member-0").get(WAIT)).isEqualTo(7);
    ResultMeta done = app.result("member-0").meta().orElseThrow();
    long before = workers.get(0).processed();
    app.send(
        "t.id",
        List.of(8),
        Map.of(),
        CallOptions.create()
            .taskId("member-0")
            .group(done.groupId(), 0)
            .chord(app.signature("t.body").taskId(body.id()).data()));
    await().atMost(WAIT).until(() -> workers.get(0).processed() > before);
    assertThat(body.state()).isEqualTo("PENDING");
    gate.countDown();
    // The first run stores its result before it records its chord part, so under load the
    // duplicate's part may be recorded first; either way member-0 counts exactly once.
    assertThat(body.get(WAIT)).isIn(List.of(7, 100), List.of(8, 100));
    assertThat(bodyRuns).containsOnlyKeys(body.id());
    assertThat(bodyRuns.get(body.id())).hasValue(1);
  }

  @Test
  void twoHundredChordsOfTwentyOnTwoWorkersRunEveryBodyOnce() {
    Map<String, AtomicInteger> bodyRuns = new ConcurrentHashMap<>();
    app.register("t.id", Integer.class, x -> x);
    app.register(
        "t.body",
        call -> {
          bodyRuns.computeIfAbsent(call.context().id(), k -> new AtomicInteger()).incrementAndGet();
          return call.arg(0, List.class).size();
        });
    start(2, 4);
    List<AsyncResult<Object>> bodies = new ArrayList<>();
    for (int c = 0; c < 200; c++) {
      List<Canvas> header = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        header.add(app.signature("t.id", i));
      }
      bodies.add(Chord.of(header, app.signature("t.body")).delay());
    }
    for (AsyncResult<Object> body : bodies) {
      assertThat(body.get(WAIT)).isEqualTo(20);
    }
    assertThat(bodyRuns).hasSize(200);
    assertThat(bodyRuns.values()).allSatisfy(n -> assertThat(n).hasValue(1));
  }
}
