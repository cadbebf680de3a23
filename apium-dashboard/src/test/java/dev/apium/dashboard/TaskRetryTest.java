package dev.apium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a retry would send, read from a stored result on the in-memory backend. */
class TaskRetryTest {
  private final Apium app =
      Apium.builder().withoutEnvironment().broker("memory://").backend("memory://").build();
  private final TaskRetry retry = new TaskRetry(app);

  @AfterEach
  void close() {
    app.close();
  }

  private static ResultMeta failed(String id) {
    return ResultMeta.failure(
        id, ExceptionInfo.of("builtins", "ValueError", "boom"), "Traceback...", Instant.now());
  }

  @Test
  void anExtendedFailureIsSentAgainWithItsArgsKwargsAndQueue() {
    app.backend()
        .store(
            failed("a")
                .withExtended(
                    (com.fasterxml.jackson.databind.node.ObjectNode)
                        CeleryJson.parse(
                            "{\"name\":\"t.add\",\"args\":[1,[2,3]],\"kwargs\":{\"k\":\"v\"},"
                                + "\"worker\":\"w@h\",\"retries\":0,\"queue\":\"images\"}")));
    TaskRetry.Plan plan = retry.plan("a");
    assertThat(plan.possible()).isTrue();
    assertThat(plan.name()).isEqualTo("t.add");
    assertThat(plan.args().toString()).isEqualTo("[1, [2,3]]");
    assertThat(plan.kwargs().get("k").asText()).isEqualTo("v");
    assertThat(plan.queue()).isEqualTo("images");
    String sent = retry.send(plan);
    assertThat(sent).isNotEqualTo("a");
    assertThat(app.broker().size("images")).isEqualTo(1);
  }

  @Test
  void withoutExtendedFieldsOrAResultItSaysWhy() {
    app.backend().store(failed("plain"));
    assertThat(retry.plan("plain").refusal()).contains("result_extended=True");
    assertThat(retry.plan("never-stored").refusal())
        .contains("no stored result", "result_extended=True");
    app.backend().store(ResultMeta.success("ok", CeleryJson.parse("5"), Instant.now()));
    assertThat(retry.plan("ok").refusal()).contains("is SUCCESS", "only failed or revoked");
    assertThat(Optional.ofNullable(retry.plan("plain").name())).isEmpty();
  }
}
