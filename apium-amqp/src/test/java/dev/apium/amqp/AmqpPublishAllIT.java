package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.apium.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched publish: every message confirmed and queued, in order, with its headers; own vhost.
 */
class AmqpPublishAllIT {
  private static VhostBroker amqp;
  private static RabbitVhost vhost;
  private static AmqpBroker broker;
  private static Connection raw;

  @BeforeAll
  static void start() throws Exception {
    amqp = new VhostBroker("apium-publishall-it");
    vhost = amqp.vhost;
    broker = amqp.broker;
    raw = amqp.raw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (amqp != null) {
      amqp.close();
    }
  }

  @Test
  void batchIsQueuedInOrderWhenPublishAllReturns() throws Exception {
    String q = "q-" + UUID.randomUUID().toString().substring(0, 8);
    broker.declareQueue(q);
    List<WireMessage> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(
          WireMessage.json(
              Map.of("id", "m" + i, "task", "spec.noop"),
              Map.of("correlation_id", "m" + i),
              ("[[" + i + "], {}, {}]").getBytes(StandardCharsets.UTF_8)));
    }
    broker.publishAll("", q, batch);
    assertThat(broker.size(q)).isEqualTo(200);
    try (Channel ch = raw.createChannel()) {
      for (int i = 0; i < 200; i++) {
        GetResponse r = ch.basicGet(q, true);
        assertThat(r.getProps().getHeaders().get("id").toString()).isEqualTo("m" + i);
        assertThat(r.getProps().getCorrelationId()).isEqualTo("m" + i);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8))
            .isEqualTo("[[" + i + "], {}, {}]");
      }
    }
  }

  @Test
  void emptyBatchPublishesNothing() {
    String q = "q-" + UUID.randomUUID().toString().substring(0, 8);
    broker.declareQueue(q);
    broker.publishAll("", q, List.of());
    assertThat(broker.size(q)).isZero();
  }
}
