package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpMessagesTest {
  private static WireMessage task() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("lang", "py");
    headers.put("task", "spec.add");
    headers.put("id", "5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    headers.put("shadow", null);
    headers.put("timelimit", Arrays.asList(null, null));
    headers.put("custom", CeleryJson.parse("{\"a\": [1, null]}"));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("correlation_id", "5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    props.put("reply_to", "0d341d1e");
    props.put("delivery_mode", 2);
    props.put("priority", 7);
    props.put("expiration", "120000");
    props.put("delivery_info", Map.of("exchange", "", "routing_key", "celery"));
    props.put("body_encoding", "base64");
    props.put("delivery_tag", "f204e41c");
    return WireMessage.json(headers, props, "[[1, 1], {}, {}]".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void onlyRealAmqpPropertiesAreWritten() {
    AMQP.BasicProperties p = AmqpMessages.properties(task(), 2, true);
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getContentEncoding()).isEqualTo("utf-8");
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getPriority()).isEqualTo(7);
    assertThat(p.getCorrelationId()).isEqualTo("5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    assertThat(p.getReplyTo()).isEqualTo("0d341d1e");
    assertThat(p.getExpiration()).isEqualTo("120000");
    assertThat(p.getHeaders()).containsEntry("shadow", null);
    assertThat(p.getHeaders().get("timelimit")).isEqualTo(Arrays.asList(null, null));
    assertThat(p.getHeaders().get("custom")).isEqualTo(Map.of("a", Arrays.asList(1, null)));
    assertThat(AmqpMessages.properties(task(), 2, false).getExpiration()).isNull();
  }

  @Test
  void readingBackTurnsLongStringsIntoStringsAndRestoresCeleryOrder() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("origin", LongStringHelper.asLongString("gen@vm"));
    raw.put("id", LongStringHelper.asLongString("x"));
    raw.put("task", LongStringHelper.asLongString("spec.add"));
    raw.put("lang", LongStringHelper.asLongString("py"));
    raw.put("timelimit", Arrays.asList(null, 5L));
    raw.put("nested", Map.of("k", List.of(LongStringHelper.asLongString("v"))));
    raw.put("x-death", List.of(Map.of("count", 1L)));
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .contentEncoding("utf-8")
            .headers(raw)
            .deliveryMode(2)
            .priority(0)
            .correlationId("x")
            .build();
    WireMessage wire = AmqpMessages.wire(props, new byte[] {'1'});
    assertThat(wire.headers().keySet())
        .containsExactly("lang", "task", "id", "timelimit", "origin", "nested");
    assertThat(wire.header("origin")).isEqualTo("gen@vm");
    assertThat(wire.header("timelimit")).isEqualTo(Arrays.asList(null, 5L));
    assertThat(wire.header("nested")).isEqualTo(Map.of("k", List.of("v")));
    assertThat(wire.properties())
        .containsEntry("delivery_mode", 2)
        .containsEntry("priority", 0)
        .containsEntry("correlation_id", "x")
        .doesNotContainKeys("reply_to", "expiration", "delivery_info");
  }
}
