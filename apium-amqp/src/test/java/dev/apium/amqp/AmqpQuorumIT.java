package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import dev.apium.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quorum queues as Celery 5.5+ declares them: Apium declares them from {@code
 * task_default_queue_type} / {@code task_queues.<q>.queue_arguments}, consumes them with a
 * per-consumer prefetch (they refuse a global one), attaches to a quorum queue or a topic exchange
 * someone else declared without failing, and acks, requeues and dead-letters on them.
 */
class AmqpQuorumIT {
  private RabbitVhost vhost;
  private Connection raw;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    vhost = new RabbitVhost("apium-quorum-it");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setVirtualHost(vhost.name());
    raw = factory.newConnection("quorum inspector");
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    raw.close();
    vhost.close();
  }

  private Apium app(Map<String, String> config) {
    Apium.Builder builder =
        Apium.builder().withoutEnvironment().broker(vhost.url()).backend("rpc://");
    config.forEach(builder::config);
    Apium app = builder.build();
    closing.add(app);
    return app;
  }

  private static void add(Apium app) {
    app.register("quorum.add", Integer.class, Integer.class, (a, b) -> a + b);
  }

  @Test
  void defaultQueueTypeQuorumDeclaresAQuorumQueueThatTasksFlowThrough() {
    Apium app = app(Map.of("task_default_queue_type", "quorum", "task_queue_max_priority", "10"));
    add(app);
    try (Worker worker = app.worker().concurrency(4).start()) {
      for (int i = 0; i < 50; i++) {
        assertThat(app.send("quorum.add", i, 1).get(Duration.ofSeconds(20))).isEqualTo(i + 1);
      }
    }
    assertThat(vhost.queueLine("celery", "type", "arguments"))
        .isEqualTo("celery\tquorum\t[{\"x-queue-type\",\"quorum\"}]");
  }

  @Test
  void queueArgumentsPerQueueMakeOnlyThatQueueQuorum() {
    AmqpBroker broker =
        new AmqpBroker(
            vhost.url(),
            ApiumConfig.of(
                Map.of("task_queues.qq.queue_arguments", "{\"x-queue-type\": \"quorum\"}")));
    closing.add(broker);
    broker.declareQueue("qq");
    broker.declareQueue("plain");
    assertThat(vhost.queueLine("qq", "type")).isEqualTo("qq\tquorum");
    assertThat(vhost.queueLine("plain", "type")).isEqualTo("plain\tclassic");
  }

  @Test
  void workerAttachesToAQuorumQueueAndTopicExchangeDeclaredByOthers() throws Exception {
    try (Channel ch = raw.createChannel()) {
      ch.queueDeclare("celery", true, false, false, Map.of("x-queue-type", "quorum"));
      ch.exchangeDeclare("celery", "topic", true);
      ch.queueBind("celery", "celery", "celery");
    }
    Apium app = app(Map.of()); // classic by its settings: must not redeclare or exit
    add(app);
    try (Worker worker = app.worker().concurrency(2).start()) {
      for (int i = 0; i < 20; i++) {
        assertThat(app.send("quorum.add", i, i).get(Duration.ofSeconds(20))).isEqualTo(2 * i);
      }
    }
    assertThat(vhost.queueLine("celery", "type")).isEqualTo("celery\tquorum");
  }

  @Test
  void quorumAcksRequeuesAndDeadLetters() throws Exception {
    AmqpBroker broker =
        new AmqpBroker(
            vhost.url(), ApiumConfig.of(Map.of("task_create_missing_queue_type", "quorum")));
    closing.add(broker);
    broker.publish("work", WireMessage.json(Map.of("n", 1), Map.of(), new byte[] {'1'}));
    broker.publish("work", WireMessage.json(Map.of("n", 2), Map.of(), "{bad".getBytes()));
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (Subscription s = broker.consume(List.of("work"), 4, got::add)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
      Delivery first = got.get(0).message().header("n").equals(1) ? got.get(0) : got.get(1);
      Delivery bad = first == got.get(0) ? got.get(1) : got.get(0);
      first.reject(true);
      bad.deadLetter("body is not JSON");
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
      assertThat(got.get(2).redelivered()).isTrue();
      assertThat(got.get(2).message().header("n")).isEqualTo(1);
      got.get(2).ack();
    }
    assertThat(vhost.queueLine("work", "type")).isEqualTo("work\tquorum");
    assertThat(vhost.queueLine("work.dead", "type")).isEqualTo("work.dead\tquorum");
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.size("work") == 0);
    try (Channel ch = raw.createChannel()) {
      GetResponse r = ch.basicGet("work.dead", true);
      assertThat(r.getProps().getHeaders().get("dead_letter_reason").toString())
          .isEqualTo("body is not JSON");
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("{bad");
    }
  }
}
