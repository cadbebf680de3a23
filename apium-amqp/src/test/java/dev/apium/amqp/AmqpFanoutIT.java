package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events on {@code celeryev} and remote control on {@code celery.pidbox}, Celery's way. */
class AmqpFanoutIT {
  private static RabbitVhost vhost;
  private static AmqpBroker broker;
  private static com.rabbitmq.client.Connection raw;
  private static Topology inspector;

  @BeforeAll
  static void start() {
    vhost = new RabbitVhost("apium-fanout-it");
    broker = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
    raw = new AmqpConnector(AmqpUrl.parse(vhost.url())).open("test inspector");
    inspector = new Topology(raw, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (raw != null) {
      raw.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  private static boolean exists(String queue) {
    return inspector.exists(queue);
  }

  private static WireMessage event(String type) {
    return WireMessage.json(
        Map.of("hostname", "w1@vm"),
        Map.of(),
        ("{\"type\": \"" + type + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eventsUseTopicExchangeAndCeleryQueueArguments() {
    List<WireMessage> workers = new CopyOnWriteArrayList<>();
    List<WireMessage> all = new CopyOnWriteArrayList<>();
    try (Subscription w = broker.subscribeFanout("celeryev", "worker.#", workers::add);
        Subscription a = broker.subscribeFanout("celeryev", "", all::add)) {
      broker.publishFanout("celeryev", "task.succeeded", event("task-succeeded"));
      broker.publishFanout("celeryev", "worker.heartbeat", event("worker-heartbeat"));
      await().atMost(Duration.ofSeconds(5)).until(() -> all.size() == 2 && workers.size() == 1);
      assertThat(workers.get(0).bodyText()).contains("worker-heartbeat");
      assertThat(workers.get(0).header("hostname")).isEqualTo("w1@vm");
      assertThat(workers.get(0).properties()).containsEntry("delivery_mode", 1);
      String line =
          vhost.listQueues("name", "durable", "auto_delete", "arguments").stream()
              .filter(l -> l.startsWith("celeryev."))
              .findFirst()
              .orElseThrow();
      assertThat(line).contains("\tfalse\ttrue\t").contains("x-expires").contains("60000");
      assertThat(line).contains("x-message-ttl").contains("5000");
    }
    assertThat(
            RabbitVhost.ctl("list_exchanges", "-q", "-p", vhost.name(), "name", "type", "durable"))
        .contains("celeryev\ttopic\ttrue");
  }

  @Test
  void pidboxBroadcastReachesEveryNodeAndRepliesRouteByOid() {
    List<WireMessage> node1 = new CopyOnWriteArrayList<>();
    List<WireMessage> node2 = new CopyOnWriteArrayList<>();
    List<WireMessage> replies = new CopyOnWriteArrayList<>();
    List<String> pidboxQueues;
    try (Subscription a = broker.subscribeFanout("celery.pidbox", "", node1::add);
        Subscription b = broker.subscribeFanout("celery.pidbox", "", node2::add);
        Subscription r = broker.subscribeFanout("reply.celery.pidbox", "oid-1", replies::add)) {
      broker.publishFanout(
          "celery.pidbox",
          "",
          WireMessage.json(
              Map.of("clock", 1), Map.of("delivery_mode", 2), "{\"method\": \"ping\"}".getBytes()));
      broker.publishFanout("reply.celery.pidbox", "oid-2", event("other"));
      broker.publishFanout("reply.celery.pidbox", "oid-1", event("pong"));
      await().atMost(Duration.ofSeconds(5)).until(() -> node1.size() == 1 && node2.size() == 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> replies.size() == 1);
      assertThat(replies.get(0).bodyText()).contains("pong");
      assertThat(vhost.queueLine("oid-1.reply.celery.pidbox", "arguments")).contains("10000");
      String node =
          vhost.listQueues("name", "auto_delete", "arguments").stream()
              .filter(l -> l.contains(".celery.pidbox") && !l.contains("reply"))
              .findFirst()
              .orElseThrow();
      assertThat(node).contains("\ttrue\t").contains("300000").contains("10000");
      pidboxQueues = vhost.listQueues("name").stream().filter(l -> l.contains("pidbox")).toList();
      assertThat(pidboxQueues).hasSize(3);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> pidboxQueues.stream().noneMatch(AmqpFanoutIT::exists));
    assertThat(
            RabbitVhost.ctl("list_exchanges", "-q", "-p", vhost.name(), "name", "type", "durable"))
        .contains("celery.pidbox\tfanout\tfalse")
        .contains("reply.celery.pidbox\tdirect\tfalse");
  }
}
