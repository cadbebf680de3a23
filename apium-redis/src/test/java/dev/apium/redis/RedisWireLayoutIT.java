package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bytes kombu would see: envelope, priority lists, bindings, unacked, restore; db 11. */
class RedisWireLayoutIT {
  static RedisTestSupport redis;
  static RedisBroker broker;

  @BeforeAll
  static void start() {
    redis = new RedisTestSupport(RedisTestSupport.DB);
    redis.raw.flushdb();
    broker = new RedisBroker(redis.url(), ApiumConfig.of(Map.of()));
  }

  @AfterAll
  static void stop() {
    broker.close();
    redis.raw.flushdb();
    redis.close();
  }

  @Test
  void envelopeHasCaptureALayout() {
    String q = RedisTestSupport.unique("wire");
    String id = "df2435a7-cf43-421a-b623-088aec35f69b";
    broker.publish(q, RedisTestSupport.wire(id, 0, 2, 3));

    List<String> list = redis.raw.lrange(q, 0, -1);
    assertThat(list).hasSize(1);
    JsonNode env = CeleryJson.parse(list.get(0));
    assertThat(fieldNames(env))
        .containsExactly("body", "content-encoding", "content-type", "headers", "properties");
    assertThat(env.get("content-encoding").asText()).isEqualTo("utf-8");
    assertThat(env.get("content-type").asText()).isEqualTo("application/json");
    assertThat(fieldNames(env.get("headers")))
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
    JsonNode props = env.get("properties");
    assertThat(fieldNames(props))
        .containsExactly(
            "correlation_id",
            "reply_to",
            "delivery_mode",
            "delivery_info",
            "priority",
            "body_encoding",
            "delivery_tag");
    assertThat(props.get("correlation_id").asText()).isEqualTo(id);
    assertThat(props.get("delivery_mode").asInt()).isEqualTo(2);
    assertThat(props.get("delivery_info").toString())
        .isEqualTo("{\"exchange\":\"\",\"routing_key\":\"" + q + "\"}");
    assertThat(props.get("priority").asInt()).isZero();
    assertThat(props.get("body_encoding").asText()).isEqualTo("base64");
    assertThat(props.get("delivery_tag").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    String body =
        new String(Base64.getDecoder().decode(env.get("body").asText()), StandardCharsets.UTF_8);
    assertThat(body)
        .isEqualTo(
            "[[2,3],{},{\"callbacks\":null,\"errbacks\":null,\"chain\":null,\"chord\":null}]");

    broker.publish(q, RedisTestSupport.wire(id, 0, 2, 3));
    List<String> two = redis.raw.lrange(q, 0, -1);
    assertThat(CeleryJson.parse(two.get(0)).at("/properties/delivery_tag"))
        .isNotEqualTo(CeleryJson.parse(two.get(1)).at("/properties/delivery_tag"));
  }

  @Test
  void expirationSitsBeforeDeliveryInfo() {
    String q = RedisTestSupport.unique("wire");
    var task =
        RedisTestSupport.task("a-1", 0, 1).toBuilder()
            .expires(java.time.Instant.now().plusSeconds(3600))
            .build();
    broker.publish(q, TaskMessageCodec.encode(task, java.time.Instant.now()));
    JsonNode props = CeleryJson.parse(redis.raw.lindex(q, 0)).get("properties");
    assertThat(fieldNames(props))
        .containsExactly(
            "correlation_id",
            "reply_to",
            "delivery_mode",
            "expiration",
            "delivery_info",
            "priority",
            "body_encoding",
            "delivery_tag");
  }

  @Test
  void priorityListsUseKombuSeparatorAndSteps() throws Exception {
    String q = RedisTestSupport.unique("prio");
    broker.publish(q, RedisTestSupport.wire("p2", 2));
    broker.publish(q, RedisTestSupport.wire("p4", 4));
    broker.publish(q, RedisTestSupport.wire("p7", 7));
    broker.publish(q, RedisTestSupport.wire("p9", 9));

    assertThat(redis.raw.llen(q)).isEqualTo(1);
    assertThat(redis.raw.llen(q + "\u0006\u00163")).isEqualTo(1);
    assertThat(redis.raw.llen(q + "\u0006\u00166")).isEqualTo(1);
    assertThat(redis.raw.llen(q + "\u0006\u00169")).isEqualTo(1);
    JsonNode p4 = CeleryJson.parse(redis.raw.lindex(q + "\u0006\u00163", 0));
    assertThat(p4.at("/properties/priority").asInt()).isEqualTo(4);
    assertThat(broker.size(q)).isEqualTo(4);

    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    try (Subscription s = broker.consume(List.of(q), 10, got::add)) {
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Delivery d = poll(got);
        order.add((String) d.message().header("id"));
        d.ack();
      }
      assertThat(order).containsExactly("p2", "p4", "p7", "p9");
    }
    assertThat(broker.purge(q)).isZero();
  }

  @Test
  void bindingsAndNamedExchangeRouting() {
    String q1 = RedisTestSupport.unique("bq");
    String q2 = RedisTestSupport.unique("bq");
    String ex = RedisTestSupport.unique("ex");
    broker.declareQueue(q1);
    broker.bindQueue(q1, ex, "images");
    broker.bindQueue(q2, ex, "images");

    assertThat(redis.raw.smembers("_kombu.binding." + q1))
        .containsExactly(q1 + "\u0006\u0016\u0006\u0016" + q1);
    assertThat(redis.raw.smembers("_kombu.binding." + ex))
        .containsExactlyInAnyOrder(
            "images\u0006\u0016\u0006\u0016" + q1, "images\u0006\u0016\u0006\u0016" + q2);

    broker.publish(ex, "images", RedisTestSupport.wire("r1", 0));
    broker.publish(ex, "nobody", RedisTestSupport.wire("r2", 0));
    assertThat(redis.raw.llen(q1)).isEqualTo(1);
    assertThat(redis.raw.llen(q2)).isEqualTo(1);
    JsonNode env = CeleryJson.parse(redis.raw.lindex(q1, 0));
    assertThat(env.at("/properties/delivery_info").toString())
        .isEqualTo("{\"exchange\":\"" + ex + "\",\"routing_key\":\"images\"}");
    assertThat(broker.purge(q1)).isEqualTo(1);
    assertThat(broker.purge(q2)).isEqualTo(1);
  }

  @Test
  void handWrittenPythonEnvelopeIsConsumed() throws Exception {
    String q = RedisTestSupport.unique("py");
    String body =
        "[[3, 4], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";
    String env =
        "{\"body\": "
            + CeleryJson.write(body)
            + ", \"content-encoding\": \"utf-8\", \"content-type\": \"application/json\","
            + " \"headers\": {\"task\": \"spec.add\", \"id\": \"py-1\"}, \"properties\":"
            + " {\"correlation_id\": \"py-1\", \"reply_to\": \"\", \"delivery_mode\": 2,"
            + " \"delivery_info\": {\"exchange\": \"\", \"routing_key\": \""
            + q
            + "\"}, \"priority\": 0, \"delivery_tag\": \"7e1b5a57-2c52-4a3c-9b0e-1f1a0f5d2c11\"}}";
    redis.raw.lpush(q, env);

    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    try (Subscription s = broker.consume(List.of(q), 1, got::add)) {
      Delivery d = poll(got);
      // held under a fresh tag of its own pop, not the envelope's (which kombu may hold it under)
      assertThat(d.deliveryTag()).isNotEqualTo("7e1b5a57-2c52-4a3c-9b0e-1f1a0f5d2c11");
      assertThat(redis.raw.hexists("unacked", "7e1b5a57-2c52-4a3c-9b0e-1f1a0f5d2c11")).isFalse();
      assertThat(TaskMessageCodec.decode(d.message()).args().toString()).isEqualTo("[3,4]");
      assertThat(d.redelivered()).isFalse();
      assertThat(redis.raw.hget("unacked", d.deliveryTag()))
          .isEqualTo("[" + env + ", \"\", \"" + q + "\"]");
      assertThat(redis.raw.zscore("unacked_index", d.deliveryTag()))
          .isCloseTo(
              System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(30.0));
      d.ack();
      // acks are written asynchronously, batched
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> redis.raw.hexists("unacked", d.deliveryTag()) == Boolean.FALSE);
      assertThat(redis.raw.zscore("unacked_index", d.deliveryTag())).isNull();
    }
  }

  @Test
  void unackedEntryIsKombusTripleForKombuAndApiumLayouts() throws Exception {
    String q = RedisTestSupport.unique("entry");
    String body =
        Base64.getEncoder()
            .encodeToString(
                "[[1, 2], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null,"
                    .concat(" \"chord\": null}]")
                    .getBytes(StandardCharsets.UTF_8));
    // as kombu's json.dumps writes it (", " and ": "), delivery_info last but priority and tags
    String kombu =
        "{\"body\": \""
            + body
            + "\", \"content-encoding\": \"utf-8\", \"content-type\": \"application/json\","
            + " \"headers\": {\"task\": \"spec.add\", \"id\": \"py-2\"}, \"properties\":"
            + " {\"correlation_id\": \"py-2\", \"reply_to\": \"\", \"delivery_mode\": 2,"
            + " \"delivery_info\": {\"exchange\": \"a/b\", \"routing_key\": \""
            + q
            + "\"}, \"priority\": 0, \"body_encoding\": \"base64\", \"delivery_tag\":"
            + " \"0f1b5a57-2c52-4a3c-9b0e-1f1a0f5d2c11\"}}";
    redis.raw.lpush(q, kombu);
    broker.publish(q, RedisTestSupport.wire("apium-1", 0));
    String apium = redis.raw.lindex(q, 0);

    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    try (Subscription s = broker.consume(List.of(q), 2, got::add)) {
      Delivery first = poll(got);
      Delivery second = poll(got);
      assertThat(first.message().header("id")).isEqualTo("py-2");
      assertThat(first.exchange()).isEqualTo("a/b");
      assertThat(redis.raw.hget("unacked", first.deliveryTag()))
          .isEqualTo("[" + kombu + ", \"a/b\", \"" + q + "\"]");
      assertThat(CeleryJson.parse(redis.raw.hget("unacked", first.deliveryTag())).get(1).asText())
          .isEqualTo("a/b");
      assertThat(second.message().header("id")).isEqualTo("apium-1");
      assertThat(redis.raw.hget("unacked", second.deliveryTag()))
          .isEqualTo("[" + apium + ", \"\", \"" + q + "\"]");
      first.ack();
      second.ack();
    }
  }

  @Test
  void requeueGoesToTheBackAndCloseRestoresToTheFrontWithRedelivered() throws Exception {
    String q = RedisTestSupport.unique("rs");
    RedisBroker own = new RedisBroker(redis.url(), ApiumConfig.of(Map.of()));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    own.publish(q, RedisTestSupport.wire("m1", 0));
    Subscription s = own.consume(List.of(q), 1, got::add);
    Delivery first = poll(got);
    String tag = first.deliveryTag();
    own.publish(q, RedisTestSupport.wire("m2", 0));
    String m2Tag = CeleryJson.parse(redis.raw.lindex(q, 0)).at("/properties/delivery_tag").asText();
    first.reject(true);
    // requeued to the LPUSH end: m2 is now served before m1
    assertThat(redis.raw.hexists("unacked", tag)).isFalse();
    Delivery second = poll(got);
    assertThat(second.message().header("id")).isEqualTo("m2");
    s.close();
    own.close();
    // close restored m2 to the consuming end (RPUSH), with redelivered flags and the envelope as
    // published (its delivery_tag too: only the unacked key is per pop)
    List<String> list = redis.raw.lrange(q, 0, -1);
    assertThat(list).hasSize(2);
    JsonNode restored = CeleryJson.parse(list.get(1));
    assertThat(restored.at("/headers/id").asText()).isEqualTo("m2");
    assertThat(restored.at("/headers/redelivered").asBoolean()).isTrue();
    assertThat(restored.at("/properties/delivery_info/redelivered").asBoolean()).isTrue();
    assertThat(restored.at("/properties/delivery_tag").asText()).isEqualTo(m2Tag);
    assertThat(second.deliveryTag()).isNotEqualTo(m2Tag);
    assertThat(redis.raw.hlen("unacked")).isZero();

    try (Subscription again = broker.consume(List.of(q), 1, got::add)) {
      Delivery d = poll(got);
      assertThat(d.message().header("id")).isEqualTo("m2");
      assertThat(d.redelivered()).isTrue();
      d.ack();
      Delivery m1 = poll(got);
      assertThat(m1.message().header("id")).isEqualTo("m1");
      assertThat(m1.redelivered()).isTrue();
      m1.ack();
    }
  }

  @Test
  void fanoutUsesKombuChannels() throws Exception {
    var sub = redis.client.connectPubSub();
    BlockingQueue<String> channels = new LinkedBlockingQueue<>();
    sub.addListener(
        new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
          @Override
          public void message(String pattern, String channel, String message) {
            channels.add(channel + " " + message);
          }
        });
    sub.sync().psubscribe("/11.*");
    BlockingQueue<dev.apium.protocol.WireMessage> heard = new LinkedBlockingQueue<>();
    try (Subscription workers = broker.subscribeFanout("celeryev", "worker.#", heard::add);
        Subscription all = broker.subscribeFanout("celery.pidbox", "", heard::add)) {
      var event =
          dev.apium.protocol.WireMessage.json(
              Map.of("hostname", "j@h"), Map.of("delivery_mode", 1), "{\"type\":\"x\"}".getBytes());
      broker.publishFanout("celeryev", "worker.heartbeat", event);
      broker.publishFanout("celeryev", "task.multi", event);
      broker.publishFanout("celery.pidbox", "", event);
      String first = channels.poll(5, TimeUnit.SECONDS);
      assertThat(first).startsWith("/11.celeryev/worker.heartbeat {");
      assertThat(
              CeleryJson.parse(first.substring(first.indexOf(' ') + 1))
                  .at("/properties/delivery_info")
                  .toString())
          .isEqualTo("{\"exchange\":\"celeryev\",\"routing_key\":\"worker.heartbeat\"}");
      JsonNode published = CeleryJson.parse(first.substring(first.indexOf(' ') + 1));
      assertThat(published.at("/properties/body_encoding").asText())
          .as("events travel as Celery's do: base64")
          .isEqualTo("base64");
      assertThat(java.util.Base64.getDecoder().decode(published.get("body").asText()))
          .asString()
          .isEqualTo("{\"type\":\"x\"}");
      assertThat(channels.poll(5, TimeUnit.SECONDS)).startsWith("/11.celeryev/task.multi ");
      assertThat(channels.poll(5, TimeUnit.SECONDS)).startsWith("/11.celery.pidbox {");
      assertThat(heard.poll(5, TimeUnit.SECONDS).header("hostname")).isEqualTo("j@h");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isNotNull();
      assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("task.multi is not worker.#").isNull();
    } finally {
      sub.close();
    }
  }

  @Test
  void globalKeyprefixPrefixesEveryKey() throws Exception {
    String q = RedisTestSupport.unique("pfx");
    try (RedisBroker prefixed =
        new RedisBroker(
            redis.url(), ApiumConfig.of(Map.of(ApiumConfig.GLOBAL_KEYPREFIX, "app1:")))) {
      prefixed.declareQueue(q);
      prefixed.publish(q, RedisTestSupport.wire("x1", 9));
      assertThat(redis.raw.llen("app1:" + q + "\u0006\u00169")).isEqualTo(1);
      assertThat(redis.raw.exists("app1:_kombu.binding." + q)).isEqualTo(1);
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (Subscription s = prefixed.consume(List.of(q), 1, got::add)) {
        Delivery d = poll(got);
        assertThat(redis.raw.hexists("app1:unacked", d.deliveryTag())).isTrue();
        d.ack();
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> redis.raw.hexists("app1:unacked", d.deliveryTag()) == Boolean.FALSE);
      }
    }
  }

  static Delivery poll(BlockingQueue<Delivery> queue) throws InterruptedException {
    Delivery d = queue.poll(10, TimeUnit.SECONDS);
    assertThat(d).as("a delivery within 10 s").isNotNull();
    return d;
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static void awaitTrue(java.util.concurrent.Callable<Boolean> condition) {
    await().atMost(Duration.ofSeconds(10)).until(condition);
  }
}
