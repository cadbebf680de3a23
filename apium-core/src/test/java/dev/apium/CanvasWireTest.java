package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The messages a canvas sends, read back from the queue (no worker): Celery's shapes. */
class CanvasWireTest {
  private final Apium app = TestApps.memory();
  private final List<TaskMessage> sent = new CopyOnWriteArrayList<>();
  private Subscription subscription;

  @AfterEach
  void close() {
    if (subscription != null) {
      subscription.close();
    }
    app.close();
  }

  private List<TaskMessage> read(int count) {
    app.broker().declareQueue("celery");
    subscription =
        app.broker()
            .consume(
                List.of("celery"),
                100,
                d -> {
                  sent.add(TaskMessageCodec.decode(d.message()));
                  d.ack();
                });
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= count);
    return sent;
  }

  @Test
  void everySendCarriesCeleryArgsAndKwargsReprs() {
    app.send("spec.add", 2, 3);
    app.signature("spec.add", 42).delay();
    app.send("spec.kw", List.of(), java.util.Map.of("x", 1), null);
    app.send(
        "spec.secret",
        List.of("password"),
        java.util.Map.of(),
        CallOptions.create().argsRepr("('***',)").kwargsRepr("{}"));
    List<TaskMessage> messages = read(4);
    assertThat(messages)
        .extracting(TaskMessage::argsRepr)
        .containsExactly("(2, 3)", "(42,)", "()", "('***',)");
    assertThat(messages)
        .extracting(TaskMessage::kwargsRepr)
        .containsExactly("{}", "{}", "{'x': 1}", "{}");
  }

  @Test
  void chainHeadCarriesTheRestLastFirstWithFrozenIds() {
    AsyncResult<Object> last =
        Chain.of(
                app.signature("spec.add", 1, 2),
                app.signature("spec.add", 10),
                app.signature("spec.add", 100))
            .delay();
    TaskMessage head = read(1).get(0);
    assertThat(head.args().toString()).isEqualTo("[1,2]");
    assertThat(head.id()).isEqualTo(last.parent().parent().id());
    assertThat(head.rootId()).isEqualTo(head.id());
    JsonNode chain = head.embed().toJson().get("chain");
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).get("args").toString()).isEqualTo("[100]");
    assertThat(chain.get(0).get("options").get("task_id").asText()).isEqualTo(last.id());
    assertThat(chain.get(0).get("options").get("reply_to").asText()).isEqualTo(app.replyTo());
    assertThat(chain.get(1).get("args").toString()).isEqualTo("[10]");
    assertThat(chain.get(1).get("options").get("task_id").asText()).isEqualTo(last.parent().id());
    assertThat(chain.get(1).get("subtask_type").isNull()).isTrue();
    assertThat(chain.get(1).get("immutable").asBoolean()).isFalse();
    assertThat(head.embed().toJson().get("chord").isNull()).isTrue();
  }

  @Test
  void chordHeaderMembersCarryTheBodyWithItsIdAndGroupIndex() {
    AsyncResult<Object> body =
        Chord.of(
                List.of(app.signature("spec.add", 1, 1), app.signature("spec.add", 2, 2)),
                app.signature("spec.tsum"))
            .delay();
    List<TaskMessage> members = read(2);
    assertThat(members).extracting(TaskMessage::groupIndex).containsExactlyInAnyOrder(0, 1);
    assertThat(members.get(0).group()).isNotNull().isEqualTo(members.get(1).group());
    JsonNode chord = members.get(0).embed().toJson().get("chord");
    assertThat(chord.get("task").asText()).isEqualTo("spec.tsum");
    assertThat(chord.get("options").get("task_id").asText()).isEqualTo(body.id());
    assertThat(members.get(0).embed().toJson().get("chain").isNull()).isTrue();
  }

  @Test
  void aStreamedChordSendsTheSameMembersAsAnOrdinaryOne() {
    AsyncResult<Object> ordinary =
        Chord.of(
                List.of(app.signature("spec.add", 1, 1), app.signature("spec.add", 2, 2)),
                app.signature("spec.tsum"))
            .delay();
    AsyncResult<Object> streamed =
        Chord.streaming(
                2,
                List.of(app.signature("spec.add", 1, 1), app.signature("spec.add", 2, 2))
                    .iterator(),
                app.signature("spec.tsum"))
            .delay(Object.class);
    List<TaskMessage> all = read(4);
    List<TaskMessage> first =
        all.stream().filter(m -> m.group().equals(all.get(0).group())).toList();
    List<TaskMessage> second =
        all.stream().filter(m -> !m.group().equals(all.get(0).group())).toList();
    assertThat(first).hasSize(2);
    assertThat(second).hasSize(2);
    for (int i = 0; i < 2; i++) {
      TaskMessage a = first.get(i);
      TaskMessage b = second.get(i);
      assertThat(b.groupIndex()).isEqualTo(a.groupIndex()).isEqualTo(i);
      assertThat(b.args()).isEqualTo(a.args());
      assertThat(b.embed().toJson().get("chain")).isEqualTo(a.embed().toJson().get("chain"));
      JsonNode chordA = a.embed().toJson().get("chord").deepCopy();
      JsonNode chordB = b.embed().toJson().get("chord").deepCopy();
      String bodyA = chordA.get("options").get("task_id").asText();
      String bodyB = chordB.get("options").get("task_id").asText();
      assertThat(List.of(bodyA, bodyB)).containsExactlyInAnyOrder(ordinary.id(), streamed.id());
      ((com.fasterxml.jackson.databind.node.ObjectNode) chordA.get("options")).remove("task_id");
      ((com.fasterxml.jackson.databind.node.ObjectNode) chordB.get("options")).remove("task_id");
      assertThat(chordB).isEqualTo(chordA);
    }
  }

  @Test
  void linksTravelAsCallbacksAndErrbacks() {
    app.signature("spec.add", 2, 3)
        .link(app.signature("spec.add", 1))
        .linkError(app.signature("spec.fail", "errback").si())
        .delay();
    JsonNode embed = read(1).get(0).embed().toJson();
    assertThat(CeleryJson.write(embed.get("callbacks")))
        .isEqualTo(
            "[{\"task\":\"spec.add\",\"args\":[1],\"kwargs\":{},\"options\":{},\"subtask_type\":null,\"immutable\":false}]");
    assertThat(embed.get("errbacks").get(0).get("immutable").asBoolean()).isTrue();
  }
}
