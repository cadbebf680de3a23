package dev.apium.protocol;

import static dev.apium.protocol.Captures.redisTask;
import static dev.apium.protocol.Captures.withBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/** What the codec refuses, and the lenient forms Celery's worker also accepts. */
class TaskMessageCodecTest {
  private static final String BODY = "[[2, 3], {}, {}]";

  private static WireMessage message(Map<String, Object> headers, String body) {
    return WireMessage.json(headers, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void unknownContentTypeIsRejectedWithTheFix() {
    WireMessage pickle =
        new WireMessage(
            redisTask().headers(),
            Map.of(),
            "application/x-python-serialize",
            "binary",
            new byte[] {1});
    assertThatThrownBy(() -> TaskMessageCodec.decode(pickle))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'application/x-python-serialize'")
        .hasMessageContaining("task_serializer='json'");
  }

  @Test
  void missingIdIsRejected() {
    assertThatThrownBy(() -> TaskMessageCodec.decode(message(Map.of("task", "spec.add"), BODY)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'spec.add'")
        .hasMessageContaining("no 'id'");
  }

  @Test
  void missingTaskIsRejected() {
    assertThatThrownBy(() -> TaskMessageCodec.decode(message(Map.of("id", "x"), BODY)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("no 'task' header");
    assertThatThrownBy(
            () -> TaskMessageCodec.decode(message(Map.of(), "{\"id\": \"x\", \"args\": []}")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not a v1 task dict");
  }

  @Test
  void wrongArgsShapeIsRejected() {
    Map<String, Object> headers = Map.of("task", "spec.add", "id", "x");
    assertThatThrownBy(() -> TaskMessageCodec.decode(message(headers, "[{}, {}, {}]")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("args must be a JSON array");
    assertThatThrownBy(() -> TaskMessageCodec.decode(message(headers, "{\"a\": 1}")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("[args, kwargs, embed]");
  }

  @Test
  void minimalHeadersAreEnough() {
    TaskMessage m =
        TaskMessageCodec.decode(message(Map.of("task", "spec.add", "id", "min-1"), BODY));
    assertThat(m.rootId()).isEqualTo("min-1");
    assertThat(m.retries()).isZero();
    assertThat(m.argsRepr()).isEqualTo("(2, 3)");
    assertThat(m.embed()).isEqualTo(Embed.NONE);
    assertThat(m.replyTo()).isEmpty();
  }

  @Test
  void zuluEtaIsReadAndWrittenBackWithOffset() {
    WireMessage wire = redisTask().withHeader("eta", "2026-11-24T10:13:23.947820Z");
    TaskMessage m = TaskMessageCodec.decode(wire);
    assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:13:23.947820Z"));
    assertThat(TaskMessageCodec.encode(m, Instant.EPOCH).header("eta"))
        .isEqualTo("2026-11-24T10:13:23.947820+00:00");
  }

  @Test
  void customHeadersStayAtTheTopLevel() {
    WireMessage wire = redisTask().withHeader("custom", "hdr");
    TaskMessage m = TaskMessageCodec.decode(wire);
    assertThat(m.extraHeaders()).containsEntry("custom", "hdr");
    Map<String, Object> again = TaskMessageCodec.encode(m, Instant.EPOCH).headers();
    assertThat(again).containsEntry("custom", "hdr");
    assertThat(new LinkedHashMap<>(again).keySet()).endsWith("custom");
  }

  @Test
  void zlibCompressedBodyIsInflated() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
      deflate.write(BODY.getBytes(StandardCharsets.UTF_8));
    }
    WireMessage wire =
        new WireMessage(
            redisTask().withHeader("compression", "application/x-gzip").headers(),
            Map.of(),
            "application/json",
            "utf-8",
            out.toByteArray());
    assertThat(TaskMessageCodec.decode(wire).args()).isEqualTo(CeleryJson.parse("[2, 3]"));
    WireMessage corrupt = withBody(wire, "not zlib");
    assertThatThrownBy(() -> TaskMessageCodec.decode(corrupt))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("compressed body");
  }

  @Test
  void encodeWritesCeleryDefaults() {
    TaskMessage m =
        TaskMessage.builder("spec.add", "id-1")
            .args((com.fasterxml.jackson.databind.node.ArrayNode) CeleryJson.parse("[42]"))
            .kwargs(
                (com.fasterxml.jackson.databind.node.ObjectNode)
                    CeleryJson.parse("{\"x\": 1, \"y\": 2}"))
            .timeLimit(10.0, 5.0)
            .build();
    WireMessage wire = TaskMessageCodec.encode(m, Instant.EPOCH);
    assertThat(wire.headers().keySet())
        .containsExactly(
            "lang",
            "task",
            "id",
            "shadow",
            "eta",
            "expires",
            "group",
            "group_index",
            "retries",
            "timelimit",
            "root_id",
            "parent_id",
            "argsrepr",
            "kwargsrepr",
            "origin",
            "ignore_result");
    assertThat(wire.header("argsrepr")).isEqualTo("(42,)");
    assertThat(wire.header("kwargsrepr")).isEqualTo("{'x': 1, 'y': 2}");
    assertThat(wire.header("timelimit")).isEqualTo(java.util.List.of(10L, 5L));
    assertThat(wire.header("root_id")).isEqualTo("id-1");
    assertThat(wire.properties())
        .containsEntry("correlation_id", "id-1")
        .containsEntry("reply_to", "")
        .containsEntry("delivery_mode", 2)
        .containsEntry("priority", 0)
        .doesNotContainKey("expiration");
    assertThat(CeleryJson.parse(wire.body()))
        .isEqualTo(
            CeleryJson.parse(
                "[[42], {\"x\": 1, \"y\": 2}, {\"callbacks\": null, \"errbacks\": null,"
                    + " \"chain\": null, \"chord\": null}]"));
  }
}
