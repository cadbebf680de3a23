package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.5+'s native delayed delivery with Apium on both ends: a worker binds its topic-exchange
 * quorum queue into {@code celery_delayed_delivery} as Celery's does, an Apium countdown travels
 * through {@code celery_delayed_*} and runs on time, a message published exactly as a 5.5+ client
 * does reaches an Apium-only queue on time, and Apium's own long-ETA parking on a quorum setup uses
 * the same ladder instead of {@code apium.delay.*}.
 */
class AmqpNativeDelayIT {
  private static final Duration TOLERANCE = Duration.ofSeconds(3);
  private RabbitVhost vhost;
  private Connection raw;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final Map<String, Instant> ran = new ConcurrentHashMap<>();

  @BeforeEach
  void open() throws Exception {
    vhost = new RabbitVhost("apium-native-delay-it");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setVirtualHost(vhost.name());
    raw = factory.newConnection("native delay inspector");
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    raw.close();
    vhost.close();
  }

  /** A quorum queue {@code tq} on the topic exchange {@code tx}, as a Celery team declares it. */
  private Apium topicQuorumApp() {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(vhost.url())
            .backend("rpc://")
            .config("task_default_queue", "tq")
            .config("task_queues.tq.exchange", "tx")
            .config("task_queues.tq.exchange_type", "topic")
            .config("task_queues.tq.routing_key", "tasks.tq")
            .config("task_queues.tq.queue_arguments", "{\"x-queue-type\": \"quorum\"}")
            .build();
    app.register("delay.mark", String.class, tag -> ran.put(tag, Instant.now()));
    closing.add(app);
    return app;
  }

  private String bindings() {
    return RabbitVhost.ctl(
        "list_bindings",
        "-q",
        "--no-table-headers",
        "-p",
        vhost.name(),
        "source_name",
        "destination_name",
        "routing_key");
  }

  private int messages(String queue) throws Exception {
    try (Channel ch = raw.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  @Test
  void workerBindsItsQueueIntoCeleryDelayedDeliveryAsCeleryDoes() {
    Apium app = topicQuorumApp();
    try (Worker worker = app.worker().start()) {
      assertThat(bindings())
          .contains("celery_delayed_delivery\ttx\t#.tasks.tq")
          .contains("tx\ttq\t#.tasks.tq")
          .contains("tx\ttq\ttasks.tq")
          .contains("celery_delayed_27\tcelery_delayed_27\t1.#")
          .contains("celery_delayed_27\tcelery_delayed_26\t0.#")
          .contains("celery_delayed_0\tcelery_delayed_delivery\t" + "*.".repeat(27) + "0.#");
    }
    assertThat(vhost.queueLine("celery_delayed_27", "type", "arguments"))
        .contains("quorum")
        .contains("{\"x-message-ttl\",134217728000}")
        .contains("{\"x-dead-letter-exchange\",\"celery_delayed_26\"}")
        .contains("{\"x-overflow\",\"reject-publish\"}")
        .contains("{\"x-dead-letter-strategy\",\"at-least-once\"}");
    assertThat(vhost.queueLine("tq", "type")).isEqualTo("tq\tquorum");
  }

  @Test
  void apiumCountdownTravelsThroughTheCeleryLadderAndRunsOnTime() throws Exception {
    Apium app = topicQuorumApp();
    try (Worker worker = app.worker().start()) {
      // the worker made the bindings; now only the ladder holds the message
    }
    Instant sent = Instant.now();
    AsyncResult<Object> result =
        app.signature("delay.mark", "countdown")
            .applyAsync(CallOptions.create().countdown(Duration.ofSeconds(6)));
    result.published().get(10, java.util.concurrent.TimeUnit.SECONDS); // sends are pipelined
    // 6 s = 4 s (level 2) + 2 s (level 1): the broker's queue count may lag the confirm a little
    await().atMost(Duration.ofSeconds(3)).until(() -> messages("celery_delayed_2") == 1);
    assertThat(messages("tq")).isZero();
    try (Worker worker = app.worker().start()) {
      result.get(Duration.ofSeconds(30));
    }
    assertThat(ran.get("countdown")).isAfterOrEqualTo(sent.plusSeconds(6));
    assertThat(ran.get("countdown")).isBefore(sent.plusSeconds(6).plus(TOLERANCE));
  }

  @Test
  void messagePublishedAsACelery55ClientDoesReachesAnApiumOnlyQueueOnTime() throws Exception {
    Apium app = topicQuorumApp();
    try (Worker worker = app.worker().start()) {
      String id = UUID.randomUUID().toString();
      Instant sent = Instant.now();
      TaskMessage task =
          TaskMessage.builder("delay.mark", id)
              .args(CeleryJson.array().add("raw"))
              .rootId(id)
              .argsRepr("('raw',)")
              .kwargsRepr("{}")
              .origin("gen1@vm")
              .eta(sent.plusSeconds(5))
              .build();
      WireMessage wire = TaskMessageCodec.encode(task, sent);
      try (Channel ch = raw.createChannel()) {
        // kombu 5.5+: exchange celery_delayed_27, routing key calculate_routing_key(5, 'tasks.tq')
        ch.basicPublish(
            "celery_delayed_27",
            "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.1.tasks.tq",
            AmqpMessages.properties(wire, 2, true),
            wire.body());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> ran.containsKey("raw"));
      assertThat(ran.get("raw")).isAfterOrEqualTo(sent.plusSeconds(5));
      assertThat(ran.get("raw")).isBefore(sent.plusSeconds(5).plus(TOLERANCE));
    }
  }

  @Test
  void apiumParksLongEtasInTheCeleryLadderOnAQuorumSetup() {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(vhost.url())
            .backend("rpc://")
            .config("task_default_queue_type", "quorum")
            .config("worker_eta_defer_after", "1")
            .build();
    app.register("delay.mark", String.class, tag -> ran.put(tag, Instant.now()));
    closing.add(app);
    try (Worker worker = app.worker().start()) {
      Instant sent = Instant.now();
      app.signature("delay.mark", "parked")
          .applyAsync(CallOptions.create().countdown(Duration.ofSeconds(5)))
          .get(Duration.ofSeconds(30));
      assertThat(ran.get("parked")).isAfterOrEqualTo(sent.plusSeconds(5));
      assertThat(ran.get("parked")).isBefore(sent.plusSeconds(5).plus(TOLERANCE));
    }
    assertThat(bindings())
        .contains("celery_delayed_delivery\tcelery\t" + "*.".repeat(28) + "celery")
        .doesNotContain("apium.delay.");
  }
}
