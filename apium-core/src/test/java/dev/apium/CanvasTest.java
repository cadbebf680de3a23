package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chains, groups, chords, chunks and map on memory://, each test on its own namespace. */
class CanvasTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private final Apium app = TestApps.memory();
  private Worker worker;

  @BeforeEach
  void start() {
    app.register(new MathTasks());
    app.register(
        "t.fail",
        call -> {
          throw new TaskError("ValueError", call.arg(0, String.class));
        });
    app.register("t.double", Integer.class, x -> x * 2);
    worker = app.worker().concurrency(4).start();
  }

  @AfterEach
  void stop() {
    worker.stopNow();
    app.close();
  }

  private Signature add(Object... args) {
    return app.signature("math.add", args);
  }

  private Signature sum() {
    return app.signature("math.sum");
  }

  @Test
  void chainOfThreePassesResultsAndLinksParents() {
    AsyncResult<Integer> last = Chain.of(add(1, 2), add(10), add(100)).delay(Integer.class);
    assertThat(last.get(WAIT)).isEqualTo(113);
    assertThat(last.parent().get(WAIT)).isEqualTo(13);
    assertThat(last.parent().parent().get(WAIT)).isEqualTo(3);
    assertThat(last.parent().parent().parent()).isNull();
    String first = last.parent().parent().id();
    ResultMeta second = last.parent().meta().orElseThrow();
    assertThat(second.parentId()).isEqualTo(first);
    assertThat(last.meta().orElseThrow().parentId()).isEqualTo(last.parent().id());
  }

  @Test
  void immutableLinkIgnoresParentResult() {
    AsyncResult<Object> r = Chain.of(add(1, 2), add(5, 5).si()).delay();
    assertThat(r.get(WAIT)).isEqualTo(10);
  }

  @Test
  void groupJoinsInOrderAndSavesAndRestores() {
    GroupResult group = Group.of(add(1, 1), add(2, 2), add(3, 3)).delay();
    assertThat(group.join(WAIT)).containsExactly(2, 4, 6);
    assertThat(group.completedCount()).isEqualTo(3);
    assertThat(group.ready()).isTrue();
    group.save();
    GroupResult restored = GroupResult.restore(app, group.id()).orElseThrow();
    assertThat(restored.results())
        .extracting(AsyncResult::id)
        .containsExactlyElementsOf(group.results().stream().map(AsyncResult::id).toList());
    assertThat(restored.toTuple().toString()).startsWith("[[\"" + group.id() + "\",null],[[[");
    assertThat(group.results().get(1).meta().orElseThrow().groupId()).isEqualTo(group.id());
  }

  @Test
  void groupJoinTimesOut() {
    app.register(
        "t.slow",
        call -> {
          Thread.sleep(2000);
          return 1;
        });
    GroupResult group = Group.of(app.signature("t.slow")).delay();
    assertThatThrownBy(() -> group.join(Duration.ofMillis(100)))
        .isInstanceOf(TaskTimeoutException.class);
  }

  @Test
  void chordSumsHeaderResults() {
    List<Canvas> header =
        java.util.stream.IntStream.range(0, 10).mapToObj(i -> (Canvas) add(i, i)).toList();
    assertThat(Chord.of(header, sum()).delay(Integer.class).get(WAIT)).isEqualTo(90);
  }

  @Test
  void chordWithFailingMemberFailsBodyWithChordError() {
    List<String> errbackGot = new CopyOnWriteArrayList<>();
    app.register("t.record", String.class, id -> errbackGot.add(id));
    Signature failing = app.signature("t.fail", "boom").taskId("bad-task-id");
    AsyncResult<Object> body =
        Chord.of(List.of(add(1, 1), failing), sum().linkError(app.signature("t.record"))).delay();
    assertThatThrownBy(() -> body.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("ChordError");
              assertThat(e.module()).isEqualTo("celery.exceptions");
              assertThat(e.remoteMessage())
                  .isEqualTo("Dependency bad-task-id raised ValueError('boom')");
            });
    await().atMost(WAIT).untilAsserted(() -> assertThat(errbackGot).containsExactly(body.id()));
  }

  @Test
  void chainInsideChordHeaderAndGroupInsideChain() {
    Chord chord = Chord.of(List.of(Chain.of(add(1, 1), add(10)), add(2, 2)), sum());
    assertThat(chord.delay(Integer.class).get(WAIT)).isEqualTo(16);
    AsyncResult<Object> chain = Chain.of(add(1, 1), Group.of(add(10), add(20)), sum()).delay();
    assertThat(chain.as(Integer.class).get(WAIT)).isEqualTo(34);
    AsyncResult<Object> chordThenTask =
        Chain.of(Chord.of(List.of(add(1, 1)), sum()), add(5)).delay();
    assertThat(chordThenTask.get(WAIT)).isEqualTo(7);
  }

  @Test
  @SuppressWarnings("deprecation")
  void chainEndingInAGroupGivesAGroupResult() {
    Chain chain = Chain.of(add(1, 1), Group.of(add(10), add(20)));
    assertThat(chain.delay().group().orElseThrow().join(WAIT)).containsExactly(12, 22);
    assertThat(chain.applyAsyncGroup(null).join(WAIT)).containsExactly(12, 22);
  }

  @Test
  void chunksMapAndStarmap() {
    GroupResult chunks =
        add().chunks(List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6)), 2).delay();
    assertThat(chunks.join(WAIT)).containsExactly(List.of(3, 7), List.of(11));
    assertThat(app.signature("t.double").map(List.of(1, 2, 3)).delay().get(WAIT))
        .isEqualTo(List.of(2, 4, 6));
    assertThat(add().starmap(List.of(List.of(1, 2), List.of(3, 4))).delay().get(WAIT))
        .isEqualTo(List.of(3, 7));
  }

  @Test
  void pythonShapedChordDictIsApplied() {
    String json =
        "{\"task\": \"celery.chord\", \"args\": [], \"kwargs\": {\"kwargs\": {}, \"header\": ["
            + "{\"task\": \"math.add\", \"args\": [1, 1], \"kwargs\": {}, \"options\": {}, \"subtask_type\": null, \"immutable\": false},"
            + "{\"task\": \"math.add\", \"args\": [2, 2], \"kwargs\": {}, \"options\": {}, \"subtask_type\": null, \"immutable\": false}],"
            + "\"body\": {\"task\": \"math.sum\", \"args\": [], \"kwargs\": {}, \"options\": {\"task_id\": \"body-1\"}, \"subtask_type\": null, \"immutable\": false}},"
            + "\"options\": {}, \"subtask_type\": \"chord\", \"immutable\": false}";
    Signature chord = Canvas.of(app, dev.apium.protocol.Signature.fromJson(CeleryJson.parse(json)));
    AsyncResult<Object> r = chord.delay();
    assertThat(r.id()).isEqualTo("body-1");
    assertThat(r.as(Integer.class).get(WAIT)).isEqualTo(6);
  }

  @Test
  void callbacksAndErrbacksInBothForms() {
    AsyncResult<Object> parent = add(2, 2).link(add(10).taskId("callback-1")).delay();
    assertThat(parent.get(WAIT)).isEqualTo(4);
    assertThat(app.result("callback-1").get(WAIT)).isEqualTo(14);
    assertThat(app.result("callback-1").meta().orElseThrow().parentId()).isEqualTo(parent.id());

    List<String> sentForm = new CopyOnWriteArrayList<>();
    app.register("t.old_errback", String.class, id -> sentForm.add(id));
    Map<String, Object> inProcess = new ConcurrentHashMap<>();
    ErrorHandler.register(
        app,
        "t.on_error",
        (request, error, traceback) -> {
          inProcess.put("id", request.id());
          inProcess.put("type", error.type());
          inProcess.put("message", error.remoteMessage());
          inProcess.put("traceback", String.valueOf(traceback));
        });
    AsyncResult<Object> failed =
        app.signature("t.fail", "bad")
            .linkError(app.signature("t.old_errback"))
            .linkError(app.signature("t.on_error"))
            .delay();
    assertThatThrownBy(() -> failed.get(WAIT)).isInstanceOf(TaskFailedException.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(sentForm).containsExactly(failed.id()));
    await().atMost(WAIT).until(() -> inProcess.size() == 4);
    assertThat(inProcess)
        .containsEntry("id", failed.id())
        .containsEntry("type", "ValueError")
        .containsEntry("message", "bad");
    assertThat((String) inProcess.get("traceback")).contains("TaskError");
  }

  @Test
  void unregisteredHeaderTaskFailsTheChordInsteadOfHangingIt() {
    AsyncResult<Object> body =
        Chord.of(List.of(add(1, 1), app.signature("t.nowhere").taskId("missing-1")), sum()).delay();
    assertThatThrownBy(() -> body.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e ->
                assertThat(e.remoteMessage())
                    .startsWith("Dependency missing-1 raised NotRegistered("));
  }

  @Test
  void failureInChainFailsTheRestAndItsChord() {
    AsyncResult<Object> last =
        Chain.of(add(1, 1), app.signature("t.fail", "x").si(), add(1)).delay();
    assertThatThrownBy(() -> last.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class, e -> assertThat(e.type()).isEqualTo("ValueError"));
    AsyncResult<Object> body =
        Chord.of(List.of(Chain.of(app.signature("t.fail", "y"), add(1)), add(1, 1)), sum()).delay();
    assertThatThrownBy(() -> body.get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class, e -> assertThat(e.type()).isEqualTo("ChordError"));
  }
}
