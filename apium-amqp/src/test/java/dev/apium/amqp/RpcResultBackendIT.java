package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.apium.ApiumConfig;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Transports;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rpc:// backend: a client process and a worker process, each with its own connection. */
class RpcResultBackendIT {
  private static RabbitVhost vhost;
  private static ApiumConfig config;
  private static RpcResultBackend client;
  private static RpcResultBackend worker;

  @BeforeAll
  static void start() {
    vhost = new RabbitVhost("apium-rpc-it");
    config = ApiumConfig.of(Map.of("broker_url", vhost.url(), "result_expires", "60"));
    client = new RpcResultBackend(vhost.url(), config);
    worker = new RpcResultBackend(vhost.url(), config);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  @Test
  void replyQueueIsDeclaredLikeCelerys() {
    String oid = client.replyTo().orElseThrow();
    assertThat(vhost.queueLine(oid, "durable", "auto_delete", "arguments"))
        .startsWith(oid + "\tfalse\ttrue\t")
        .contains("x-expires")
        .contains("60000");
  }

  @Test
  void workerStatesReachTheSendersAwaitAndGet() throws Exception {
    String oid = client.replyTo().orElseThrow();
    String id = UUID.randomUUID().toString();
    CompletableFuture<ResultMeta> ready = client.awaitReady(id);
    worker.storeFor(ResultMeta.state(id, TaskState.STARTED, null), oid);
    await().atMost(Duration.ofSeconds(5)).until(() -> client.get(id).isPresent());
    assertThat(client.get(id).orElseThrow().status()).isEqualTo(TaskState.STARTED);
    assertThat(ready).isNotDone();
    worker.storeFor(ResultMeta.success(id, IntNode.valueOf(5), Instant.now()), oid);
    ResultMeta done = ready.get(5, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.result().asInt()).isEqualTo(5);
    assertThat(client.get(id).orElseThrow().status()).isEqualTo(TaskState.SUCCESS);
    assertThat(client.awaitReady(id).get(1, TimeUnit.SECONDS).result().asInt()).isEqualTo(5);
  }

  @Test
  void replyHasCeleryPropertiesAndBody() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setVirtualHost(vhost.name());
    try (Connection raw = factory.newConnection();
        Channel ch = raw.createChannel()) {
      String replyTo = "reply-" + UUID.randomUUID();
      ch.queueDeclare(replyTo, false, false, true, null);
      String id = UUID.randomUUID().toString();
      worker.storeFor(ResultMeta.success(id, IntNode.valueOf(5), Instant.now()), replyTo);
      GetResponse r = ch.basicGet(replyTo, true);
      AMQP.BasicProperties p = r.getProps();
      assertThat(p.getCorrelationId()).isEqualTo(id);
      assertThat(p.getDeliveryMode()).isEqualTo(1);
      assertThat(p.getContentType()).isEqualTo("application/json");
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8))
          .isEqualTo(
              "{\"task_id\":\""
                  + id
                  + "\",\"status\":\"SUCCESS\",\"result\":5,"
                  + "\"traceback\":null,\"children\":[]}");
    }
  }

  @Test
  void readsAReplyPublishedByCelery() throws Exception {
    String oid = client.replyTo().orElseThrow();
    String id = UUID.randomUUID().toString();
    CompletableFuture<ResultMeta> ready = client.awaitReady(id);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setVirtualHost(vhost.name());
    try (Connection raw = factory.newConnection();
        Channel ch = raw.createChannel()) {
      String body =
          "{\"task_id\": \""
              + id
              + "\", \"status\": \"FAILURE\", \"result\": {\"exc_type\":"
              + " \"ValueError\", \"exc_message\": [\"boom\"], \"exc_module\": \"builtins\"},"
              + " \"traceback\": \"Traceback...\", \"children\": []}";
      ch.basicPublish(
          "",
          oid,
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .contentEncoding("utf-8")
              .correlationId(id)
              .deliveryMode(1)
              .build(),
          body.getBytes(StandardCharsets.UTF_8));
    }
    ResultMeta failed = ready.get(5, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(TaskState.FAILURE);
    assertThat(failed.exception().type()).isEqualTo("ValueError");
  }

  @Test
  void chordsAreRefusedLikeCelery() {
    assertThatThrownBy(() -> client.chordSetSize("g", 2))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("the rpc:// backend does not support chords: use a redis:// result backend");
    assertThatThrownBy(
            () ->
                client.chordPartDone(
                    "g", 0, new ChordPart("t", TaskState.SUCCESS, IntNode.valueOf(1))))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void factoryBuildsRpcBackendFromBrokerUrl() {
    try (ResultBackend backend = Transports.backend("rpc://", config)) {
      assertThat(backend).isInstanceOf(RpcResultBackend.class);
      assertThat(backend.describe()).contains("rpc://").doesNotContain("guest:guest");
    }
  }
}
