package dev.apium.protocol;

import static dev.apium.protocol.Captures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Result metas captured from Celery's Redis and RPC backends read and write back unchanged. */
class ResultMetaGoldenTest {

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "B-failure.json",
        "B-success-children.json",
        "B-group-member.json",
        "B-extended.json",
        "F-retry-meta.json"
      })
  void capturedMetaReencodesIdenticallyInCeleryFieldOrder(String capture) {
    JsonNode original = json(capture);
    JsonNode again = CeleryJson.parse(ResultMeta.fromJson(original).toBytes());
    assertThat(again).isEqualTo(original);
    assertThat(fieldNames(again)).containsExactlyElementsOf(fieldNames(original));
    assertThat(fieldNames(again)).last().isEqualTo("task_id");
  }

  @Test
  void captureBFailureCarriesTheExceptionDict() {
    ResultMeta meta = ResultMeta.fromJson(json("B-failure.json"));
    assertThat(meta.status()).isEqualTo(TaskState.FAILURE);
    assertThat(meta.ready()).isTrue();
    assertThat(meta.taskId()).isEqualTo("10618d1b-b048-488e-8d39-0862a4475936");
    assertThat(meta.dateDone()).isEqualTo("2026-11-24T10:13:31.692954");
    assertThat(meta.traceback())
        .startsWith("Traceback (most recent call last):\n")
        .endsWith("ValueError: boom\n");
    assertThat(meta.exception()).isEqualTo(ExceptionInfo.of("builtins", "ValueError", "boom"));
    assertThat(meta.exception().repr()).isEqualTo("ValueError('boom')");
    assertThat(meta.children()).isEmpty();
    assertThat(meta.groupId()).isNull();
    assertThat(meta.extended()).isNull();
  }

  @Test
  void captureBSuccessWithChildTuple() {
    ResultMeta meta = ResultMeta.fromJson(json("B-success-children.json"));
    assertThat(meta.result().asInt()).isEqualTo(3);
    assertThat(meta.exception()).isNull();
    assertThat(meta.children().get(0).get(0).get(0).asText())
        .isEqualTo("8628d745-e564-42ff-a6c2-951b989c18da");
    ResultMeta built =
        ResultMeta.success(
                "24747c8c-c515-4307-8762-c0b9629e04fd",
                CeleryJson.toTree(3),
                Instant.parse("2026-11-24T10:13:08.964337Z"))
            .withChildren(meta.children());
    assertThat(built.toJson()).isEqualTo(json("B-success-children.json"));
  }

  @Test
  void captureBGroupMemberKeepsGroupId() {
    ResultMeta meta = ResultMeta.fromJson(json("B-group-member.json"));
    assertThat(meta.groupId()).isEqualTo("84d73b28-0724-4c46-9f53-99f3ed3fe939");
    assertThat(meta.parentId()).isNull();
    assertThat(meta.extended()).isNull();
  }

  @Test
  void captureBExtendedFieldsSitBeforeTaskId() {
    ResultMeta meta = ResultMeta.fromJson(json("B-extended.json"));
    assertThat(fieldNames(meta.extended()))
        .containsExactly("name", "args", "kwargs", "worker", "retries", "queue");
    assertThat(meta.extended().get("worker").asText()).isEqualTo("specext@vm");
    assertThat(meta.extended().get("args")).isEqualTo(CeleryJson.parse("[2, 3]"));
    ResultMeta built =
        ResultMeta.success(
                "2da40beb-5f29-4f9a-90c2-9663d15e8215",
                CeleryJson.toTree(5),
                Instant.parse("2026-11-24T10:15:11.407654Z"))
            .withGroupAndParent("g-1", "p-1")
            .withExtended(meta.extended());
    assertThat(fieldNames(built.toJson()))
        .containsExactly(
            "status",
            "result",
            "traceback",
            "children",
            "date_done",
            "group_id",
            "parent_id",
            "name",
            "args",
            "kwargs",
            "worker",
            "retries",
            "queue",
            "task_id");
  }

  @Test
  void captureBRpcReplyReadsWithoutDateDone() {
    ResultMeta meta = ResultMeta.fromJson(json("B-rpc-reply.json"));
    assertThat(meta.taskId()).isEqualTo("9ff133dc-cb34-4e27-ab35-7aca6832067d");
    assertThat(meta.status()).isEqualTo(TaskState.SUCCESS);
    assertThat(meta.result().asInt()).isEqualTo(5);
    assertThat(meta.dateDone()).isNull();
    assertThat(meta.extended()).isNull();
    assertThat(fieldNames(meta.toJson())).last().isEqualTo("task_id");
  }

  @Test
  void captureFRetryMetaListsItselfAsChild() {
    ResultMeta meta = ResultMeta.fromJson(json("F-retry-meta.json"));
    assertThat(meta.status()).isEqualTo(TaskState.RETRY);
    assertThat(meta.ready()).isFalse();
    assertThat(meta.result().isNull()).isTrue();
    assertThat(meta.exception()).isNull();
    assertThat(meta.dateDone()).isNull();
    assertThat(meta.children().get(0).get(0).get(0).asText()).isEqualTo(meta.taskId());
  }

  @Test
  void statesAreClassifiedAsCelery() {
    assertThat(List.of("SUCCESS", "FAILURE", "REVOKED")).allMatch(TaskState::isReady);
    assertThat(List.of("PENDING", "STARTED", "RETRY", "PROGRESS")).noneMatch(TaskState::isReady);
    assertThat(TaskState.isException("RETRY")).isTrue();
    assertThat(TaskState.propagates("REVOKED")).isTrue();
    assertThat(TaskState.propagates("RETRY")).isFalse();
  }

  @Test
  void aDocumentWithoutStatusIsRejected() {
    assertThatThrownBy(() -> ResultMeta.fromJson(CeleryJson.parse("{\"result\": 1}")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("status");
  }
}
