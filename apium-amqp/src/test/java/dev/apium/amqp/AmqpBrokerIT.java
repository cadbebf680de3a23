package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmqpBrokerIT {
  private static VhostBroker amqp;
  private static RabbitVhost vhost;
  private static AmqpBroker broker;
  private static Connection raw;

  @BeforeAll
  static void start() throws Exception {
    amqp = new VhostBroker("apium-broker-it");
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

  private static String queue() {
    return VhostBroker.queue();
  }

  private static TaskMessage.Builder task(String id) {
    ArrayNode args = CeleryJson.array().add(2).add(3);
    return TaskMessage.builder("spec.add", id)
        .args(args)
        .rootId(id)
        .argsRepr("(2, 3)")
        .kwargsRepr("{}")
        .origin("gen1@vm")
        .replyTo("0d341d1e-69a1-3ed6-82b7-dd764de62b23");
  }

  @Test
  void declaresCeleryTaskQueueTopology() {
    String q = queue();
    broker.declareQueue(q);
    assertThat(vhost.queueLine(q, "durable", "auto_delete", "exclusive", "arguments"))
        .isEqualTo(q + "\ttrue\tfalse\tfalse\t[]");
    String bindings = RabbitVhost.ctl("list_bindings", "-q", "-p", vhost.name());
    assertThat(bindings).contains(q + "\texchange\t" + q + "\tqueue\t" + q);
  }

  @Test
  void taskRoundTripKeepsNullHeadersAndTimelimitListAndDecodes() throws Exception {
    String q = queue();
    String id = UUID.randomUUID().toString();
    WireMessage sent =
        TaskMessageCodec.encode(task(id).timeLimit(null, 5.0).build(), Instant.now());
    broker.publish(q, sent);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 1, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      Delivery d = got.get(0);
      assertThat(d.message()).isEqualTo(sent);
      assertThat(d.message().headers()).containsEntry("shadow", null);
      assertThat(d.message().header("timelimit")).isEqualTo(Arrays.asList(null, 5L));
      assertThat(d.exchange()).isEmpty();
      assertThat(d.routingKey()).isEqualTo(q);
      assertThat(d.queue()).isEqualTo(q);
      assertThat(d.redelivered()).isFalse();
      TaskMessage back = TaskMessageCodec.decode(d.message());
      assertThat(back.id()).isEqualTo(id);
      assertThat(back.softTimeLimit()).isEqualTo(5.0);
      assertThat(back.hardTimeLimit()).isNull();
      d.ack();
    }
    assertThat(broker.size(q)).isZero();
  }

  @Test
  void publishedPropertiesMatchCaptureE() throws Exception {
    String q = queue();
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    TaskMessage m =
        task(id).priority(7).eta(now.plusSeconds(60)).expires(now.plusSeconds(120)).build();
    broker.publish(q, TaskMessageCodec.encode(m, now));
    try (Channel ch = raw.createChannel()) {
      GetResponse r = ch.basicGet(q, true);
      AMQP.BasicProperties p = r.getProps();
      assertThat(p.getContentType()).isEqualTo("application/json");
      assertThat(p.getContentEncoding()).isEqualTo("utf-8");
      assertThat(p.getDeliveryMode()).isEqualTo(2);
      assertThat(p.getPriority()).isEqualTo(7);
      assertThat(p.getCorrelationId()).isEqualTo(id);
      assertThat(p.getReplyTo()).isEqualTo("0d341d1e-69a1-3ed6-82b7-dd764de62b23");
      assertThat(p.getExpiration()).isEqualTo("120000");
      assertThat(p.getMessageId()).isNull();
      assertThat(p.getType()).isNull();
      assertThat(p.getHeaders()).containsEntry("shadow", null).containsEntry("retries", 0);
      assertThat(p.getHeaders().get("timelimit")).isEqualTo(Arrays.asList(null, null));
      assertThat(p.getHeaders().get("task").toString()).isEqualTo("spec.add");
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).startsWith("[[2,3],{}");
      assertThat(r.getEnvelope().getExchange()).isEmpty();
      assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(q);
    }
  }

  @Test
  void captureEPublishedLikeCeleryDecodes() throws Exception {
    String q = queue();
    broker.declareQueue(q);
    Map<String, Object> headers = new java.util.LinkedHashMap<>();
    headers.put("lang", "py");
    headers.put("task", "spec.add");
    headers.put("id", "5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    headers.put("shadow", null);
    headers.put("eta", "2026-11-24T10:15:28.457266+00:00");
    headers.put("expires", "2099-11-24T10:16:28.457266+00:00");
    headers.put("group", null);
    headers.put("group_index", null);
    headers.put("retries", 0);
    headers.put("timelimit", Arrays.asList(null, null));
    headers.put("root_id", "5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
    headers.put("parent_id", null);
    headers.put("argsrepr", "(1, 1)");
    headers.put("kwargsrepr", "{}");
    headers.put("origin", "gen13393@vm");
    headers.put("ignore_result", false);
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .contentEncoding("utf-8")
            .headers(headers)
            .deliveryMode(2)
            .priority(7)
            .correlationId("5a13e2a1-0eff-497d-9fc4-f0eb117fd46f")
            .replyTo("0d341d1e-69a1-3ed6-82b7-dd764de62b23")
            .expiration("120000")
            .build();
    String body =
        "[[1, 1], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";
    try (Channel ch = raw.createChannel()) {
      ch.basicPublish("", q, props, body.getBytes(StandardCharsets.UTF_8));
    }
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 1, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      WireMessage wire = got.get(0).message();
      assertThat(wire.headers().keySet()).startsWith("lang", "task", "id", "shadow", "eta");
      assertThat(wire.properties())
          .containsEntry("priority", 7)
          .containsEntry("expiration", "120000");
      TaskMessage m = TaskMessageCodec.decode(wire);
      assertThat(m.task()).isEqualTo("spec.add");
      assertThat(m.id()).isEqualTo("5a13e2a1-0eff-497d-9fc4-f0eb117fd46f");
      assertThat(m.eta()).isEqualTo(Instant.parse("2026-11-24T10:15:28.457266Z"));
      assertThat(m.priority()).isEqualTo(7);
      assertThat(m.replyTo()).isEqualTo("0d341d1e-69a1-3ed6-82b7-dd764de62b23");
      assertThat(m.args().toString()).isEqualTo("[1,1]");
      assertThat(m.origin()).isEqualTo("gen13393@vm");
      got.get(0).ack();
    }
  }

  @Test
  void expirationDropsTheMessageInRabbitMq() {
    String q = queue();
    broker.publish(q, WireMessage.json(Map.of(), Map.of("expiration", "50"), new byte[] {'1'}));
    broker.publish(q, WireMessage.json(Map.of(), Map.of(), new byte[] {'2'}));
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.size(q) == 1);
  }

  @Test
  void rejectWithRequeueRedeliversWithFlagAndWithoutDrops() {
    String q = queue();
    broker.publish(q, WireMessage.json(Map.of("n", 1), Map.of(), new byte[] {'1'}));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 1, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      got.get(0).reject(true);
      got.get(0).ack(); // ignored: already settled
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
      assertThat(got.get(1).redelivered()).isTrue();
      assertThat(got.get(1).message().header("n")).isEqualTo(1);
      got.get(1).reject(false);
    }
    assertThat(broker.size(q)).isZero();
  }

  @Test
  void deadLetterMovesMessageWithReasonToDeadQueue() throws Exception {
    String q = queue();
    broker.publish(q, WireMessage.json(Map.of("task", "x"), Map.of(), "{bad".getBytes()));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 1, got::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      got.get(0).deadLetter("body is not JSON");
    }
    assertThat(vhost.queueLine(q + ".dead", "durable")).isEqualTo(q + ".dead\ttrue");
    try (Channel ch = raw.createChannel()) {
      GetResponse r = ch.basicGet(q + ".dead", true);
      assertThat(r.getProps().getHeaders().get("dead_letter_reason").toString())
          .isEqualTo("body is not JSON");
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("{bad");
    }
    assertThat(broker.size(q)).isZero();
  }

  @Test
  void prefetchBoundsOutstandingDeliveriesAndCanBeRaised() {
    String q = queue();
    for (int i = 0; i < 10; i++) {
      broker.publish(q, WireMessage.json(Map.of("n", i), Map.of(), new byte[] {'1'}));
    }
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of(q), 3, got::add)) {
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> got.size() == 3);
      got.get(0).ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
      s.setPrefetch(5);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> got.size() == 6);
      got.forEach(Delivery::ack);
    }
  }

  @Test
  void mismatchedExistingQueueGivesClearErrorAndBrokerStaysUsable() throws Exception {
    String q = queue();
    try (Channel ch = raw.createChannel()) {
      ch.queueDeclare(q, false, false, false, null);
    }
    assertThatThrownBy(() -> broker.declareQueue(q))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("queue '" + q + "' exists with different flags")
        .hasMessageContaining("durable")
        .hasMessageContaining("delete it or match its arguments");
    broker.publish(q, WireMessage.json(Map.of(), Map.of(), new byte[] {'1'}));
    assertThat(broker.size(q)).isEqualTo(1);
  }

  @Test
  void publishToMissingExchangeIsAnError() {
    assertThatThrownBy(
            () ->
                broker.publish(
                    "no-such-exchange", "x", WireMessage.json(Map.of(), Map.of(), new byte[0])))
        .isInstanceOf(BrokerException.class)
        .hasMessage(
            "exchange 'no-such-exchange' does not exist: declare it (bindQueue) before publishing");
    broker.publish(queue(), WireMessage.json(Map.of(), Map.of(), new byte[] {'1'}));
  }

  @Test
  void namedExchangeRoutesThroughBindingAndPurgeCounts() {
    String q = queue();
    broker.bindQueue(q, "tasks-" + q, "rk");
    broker.publish("tasks-" + q, "rk", WireMessage.json(Map.of(), Map.of(), new byte[] {'1'}));
    broker.publish(q, WireMessage.json(Map.of(), Map.of(), new byte[] {'2'}));
    assertThat(broker.size(q)).isEqualTo(2);
    assertThat(broker.purge(q)).isEqualTo(2);
    assertThat(broker.size(q)).isZero();
    assertThat(broker.size("never-declared-" + q)).isZero();
  }

  @Test
  void nackFromAFullQueueIsAnErrorToTheCaller() throws Exception {
    String q = queue();
    try (Channel ch = raw.createChannel()) {
      ch.queueDeclare(
          q, true, false, false, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    }
    broker.publish(q, WireMessage.json(Map.of(), Map.of(), new byte[] {'1'}));
    assertThatThrownBy(() -> broker.publish(q, WireMessage.json(Map.of(), Map.of(), new byte[0])))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("nack");
    assertThat(broker.size(q)).isEqualTo(1);
  }

  @Test
  void concurrentPublishersAreAllConfirmed() throws Exception {
    String q = queue();
    int threads = 8;
    int each = 250;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    broker.publish(q, WireMessage.json(Map.of("i", i), Map.of(), new byte[] {'1'}));
                  }
                }));
      }
      for (var f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(broker.size(q)).isEqualTo(threads * each);
  }

  @Test
  void aFailingHandlerDeadLettersTheMessageAndKeepsConsuming() {
    String q = queue();
    broker.publish(q, WireMessage.json(Map.of("n", 1), Map.of(), new byte[] {'1'}));
    broker.publish(q, WireMessage.json(Map.of("n", 2), Map.of(), new byte[] {'2'}));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s =
        broker.consume(
            List.of(q),
            1,
            d -> {
              if (d.message().header("n").equals(1)) {
                throw new IllegalStateException("handler bug");
              }
              got.add(d);
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      got.get(0).ack();
    }
    assertThat(broker.size(q + ".dead")).isEqualTo(1);
    assertThat(broker.size(q)).isZero();
  }
}
