package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's view of results that hold results, on memory://: {@code children()} and {@code
 * collect()} after a link callback and a chain step, {@code fromTuple} of a task's and a group's
 * tuple, a chain ending in a group sent with plain {@code applyAsync}, and a chord header holding
 * such a chain passing the body {@code [[42, 42]]}.
 */
class ResultTreeTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private final Apium app = TestApps.memory();
  private Worker worker;

  @BeforeEach
  void start() {
    app.register(new MathTasks());
    app.register("t.identity", Object.class, x -> x);
    app.register(
        "t.misconfigured",
        call -> {
          throw new ImproperlyConfigured("no broker_url");
        });
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

  @Test
  void childrenAndCollectFollowLinksAndChainSteps() {
    AsyncResult<Object> linked = add(2, 2).link(add(10)).delay();
    assertThat(linked.get(WAIT)).isEqualTo(4);
    List<AsyncResult<Object>> children = linked.children();
    assertThat(children).hasSize(1);
    assertThat(children.get(0).group()).isEmpty();
    assertThat(children.get(0).get(WAIT)).isEqualTo(14);
    assertThat(linked.collect(WAIT)).extracting(Map.Entry::getValue).containsExactly(4, 14);

    AsyncResult<Object> last = Chain.of(add(1, 2), add(10)).delay();
    assertThat(last.get(WAIT)).isEqualTo(13);
    // As in Celery, a step sends the next before it stores its own result (with its children):
    // the last step can finish first, so the parent's stored children are read once it is ready.
    assertThat(last.parent().get(WAIT)).isEqualTo(3);
    assertThat(last.parent().children()).extracting(AsyncResult::id).containsExactly(last.id());
    assertThat(app.result("never-sent-" + last.id()).children()).isEmpty();
  }

  @Test
  void fromTupleReadsTasksAndGroupsWithTheirParents() {
    AsyncResult<Object> last = Chain.of(add(1, 2), add(10)).delay();
    AsyncResult<Object> read = AsyncResult.fromTuple(app, last.toTuple());
    assertThat(read.id()).isEqualTo(last.id());
    assertThat(read.parent().id()).isEqualTo(last.parent().id());
    assertThat(read.get(WAIT)).isEqualTo(13);

    GroupResult group = Group.of(add(1, 1), add(2, 2)).delay();
    Object asJava = CeleryJson.MAPPER.convertValue(group.toTuple(), Object.class);
    AsyncResult<Object> readGroup = AsyncResult.fromTuple(app, asJava);
    assertThat(readGroup.id()).isEqualTo(group.id());
    assertThat(readGroup.group().orElseThrow().results())
        .extracting(AsyncResult::id)
        .containsExactlyElementsOf(group.results().stream().map(AsyncResult::id).toList());
    assertThat(readGroup.get(WAIT)).isEqualTo(List.of(2, 4));
    assertThat(readGroup.toTuple()).isEqualTo(group.toTuple());
    assertThatThrownBy(() -> AsyncResult.fromTuple(app, List.of("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Celery result tuple");
  }

  @Test
  void chainEndingInAGroupReturnsTheGroupsResult() {
    AsyncResult<Object> result = Chain.of(add(1, 1), Group.of(add(10), add(20))).delay();
    assertThat(result.get(WAIT)).isEqualTo(List.of(12, 22));
    GroupResult group = result.group().orElseThrow();
    assertThat(group.id()).isEqualTo(result.id());
    assertThat(group.parent().get(WAIT)).isEqualTo(2);
    assertThat(result.ready()).isTrue();
    assertThat(result.state()).isEqualTo("SUCCESS");
    assertThat(result.toCompletableFuture().join()).isEqualTo(List.of(12, 22));
    assertThat(result.toTuple().get(0).get(1).get(0).get(0).asText())
        .isEqualTo(group.parent().id());
  }

  @Test
  void chordHeaderWithAChainEndingInAGroupKeepsItsShape() {
    Chain nested = Chain.of(add(20, 1), Group.of(add(21), add(21)));
    AsyncResult<Object> body =
        Chord.of(List.<Canvas>of(nested), app.signature("t.identity")).delay();
    assertThat(body.get(WAIT)).isEqualTo(List.of(List.of(42, 42)));
    AsyncResult<Object> mixed =
        Chord.of(List.<Canvas>of(nested, add(1, 1)), app.signature("t.identity")).delay();
    assertThat(mixed.get(WAIT)).isEqualTo(List.of(List.of(42, 42), 2));
    AsyncResult<Object> flat =
        Chord.of(
                List.<Canvas>of(Chain.of(add(1, 1), add(1)), add(1, 1)),
                app.signature("t.identity"))
            .delay();
    assertThat(flat.get(WAIT)).isEqualTo(List.of(3, 2));
  }

  @Test
  void improperlyConfiguredTravelsByCeleryName() {
    assertThatThrownBy(() -> app.send("t.misconfigured").get(WAIT))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(ImproperlyConfigured.is(e)).isTrue();
              assertThat(e.module() + "." + e.type())
                  .isEqualTo("celery.exceptions.ImproperlyConfigured");
              assertThat(e.remoteMessage()).isEqualTo("no broker_url");
            });
  }
}
