package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.3+ stamps over RabbitMQ (a vhost of the test's own; records and results in Redis db 14
 * under unique keys): messages are published with the plain RabbitMQ client exactly as kombu's
 * py-amqp transport sends them (the stamps in {@code application_headers}), an Apium worker runs
 * them, and the retried message and the chain's next step (read raw with {@code basic.get}) keep
 * {@code stamped_headers} / {@code stamps} as AMQP table fields.
 */
class AmqpStampsInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/14";
  static final Duration WAIT = Duration.ofSeconds(30);

  private final String queue = "celery";
  private final String capture = "capture";
  private final String key = "amqp-stamps-record-" + UUID.randomUUID();
  private final RedisClient redisClient = RedisClient.create(REDIS);
  private final StatefulRedisConnection<String, String> redis = redisClient.connect();
  private final StampTasks tasks = new StampTasks(REDIS);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> keys = new ArrayList<>(List.of(key));
  private RabbitVhost vhost;
  private Connection connection;
  private Channel channel;

  @BeforeEach
  void vhost() throws Exception {
    vhost = new RabbitVhost();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(vhost.url());
    connection = factory.newConnection("amqp-stamps-it");
    channel = connection.createChannel();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    connection.close();
    vhost.close();
    tasks.close();
    redis.sync().del(keys.toArray(String[]::new));
    redis.close();
    redisClient.shutdown();
  }

  /** Publishes {@code m} as kombu's py-amqp transport does: headers as the AMQP table. */
  private void publish(Celery53Messages.Message m) throws Exception {
    keys.add("celery-task-meta-" + m.id);
    JsonNode envelope = CeleryJson.parse(m.envelope(queue));
    @SuppressWarnings("unchecked")
    Map<String, Object> headers =
        CeleryJson.MAPPER.convertValue(envelope.get("headers"), LinkedHashMap.class);
    byte[] body = java.util.Base64.getDecoder().decode(envelope.get("body").asText());
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .contentEncoding("utf-8")
            .headers(headers)
            .deliveryMode(2)
            .priority(0)
            .correlationId(m.id)
            .replyTo(Celery53Messages.REPLY_TO)
            .build();
    channel.basicPublish("", queue, props, body);
  }

  /** A live channel: a basic.get on a queue not declared yet closes the one it ran on. */
  private Channel channel() throws Exception {
    if (!channel.isOpen()) {
      channel = connection.createChannel();
    }
    return channel;
  }

  private List<JsonNode> runs() {
    return redis.sync().lrange(key, 0, -1).stream().map(CeleryJson::parse).toList();
  }

  @Test
  void retriesAndChainStepsKeepTheStampsOnRabbitMq() throws Exception {
    Apium app = Apium.builder().withoutEnvironment().broker(vhost.url()).backend(REDIS).build();
    closing.add(app);
    app.register(tasks);
    Worker worker = app.worker().queues(queue).concurrency(2).start();
    closing.add(worker);
    Map<String, Object> stamps = new LinkedHashMap<>();
    stamps.put("tenant", "acme");
    stamps.put("batch", 7);

    Celery53Messages.Message retried =
        new Celery53Messages.Message("stamps.retry_once", key).stamps(stamps);
    publish(retried);
    assertThat(app.result(retried.id).get(WAIT)).isEqualTo("done");
    List<JsonNode> runs = runs();
    assertThat(runs).hasSize(2);
    for (JsonNode run : runs) {
      assertThat(run.get("stamped_headers").toString()).isEqualTo("[\"tenant\",\"batch\"]");
      // The RabbitMQ client decodes a table into a HashMap: the dict's order is not kept.
      assertThat(run.get("stamps"))
          .isEqualTo(CeleryJson.parse("{\"tenant\":\"acme\",\"batch\":7}"));
    }

    String next = UUID.randomUUID().toString();
    keys.add("celery-task-meta-" + next);
    Celery53Messages.Message head =
        new Celery53Messages.Message("stamps.step", 1, key)
            .stamps(stamps)
            .chain(
                Celery53Messages.signature(
                    "stamps.step",
                    List.of(key),
                    stamps,
                    Map.of(
                        "task_id", next, "reply_to", Celery53Messages.REPLY_TO, "queue", capture)));
    publish(head);
    // Apium declares the capture queue when it sends the step there.
    GetResponse[] got = new GetResponse[1];
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> (got[0] = channel().basicGet(capture, true)) != null);
    Map<String, Object> headers = got[0].getProps().getHeaders();
    assertThat(headers.get("id").toString()).isEqualTo(next);
    assertThat(((Number) headers.get("replaced_task_nesting")).intValue()).isZero();
    assertThat(String.valueOf(headers.get("stamped_headers"))).isEqualTo("[tenant, batch]");
    Map<String, String> stamped = new java.util.TreeMap<>();
    ((Map<?, ?>) headers.get("stamps")).forEach((k, v) -> stamped.put(k.toString(), v.toString()));
    assertThat(stamped).isEqualTo(Map.of("tenant", "acme", "batch", "7"));
    ArrayNode body =
        (ArrayNode) CeleryJson.parse(new String(got[0].getBody(), StandardCharsets.UTF_8));
    assertThat(body.get(0).toString()).isEqualTo("[2,\"" + key + "\"]");
  }
}
