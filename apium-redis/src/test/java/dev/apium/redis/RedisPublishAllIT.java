package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batched publish: kombu's layout, FIFO order, priority lists, one tag each; db 15. */
class RedisPublishAllIT {
  static RedisTestSupport redis;
  static RedisBroker broker;

  @BeforeAll
  static void start() {
    redis = new RedisTestSupport(15);
    broker = new RedisBroker(redis.url(), ApiumConfig.of(Map.of()));
  }

  @AfterAll
  static void stop() {
    broker.close();
    redis.close();
  }

  @Test
  void batchLandsLikeSinglePublishesInOrder() {
    String q = RedisTestSupport.unique("batch");
    List<WireMessage> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(RedisTestSupport.wire("id-" + i, 0, i));
    }
    broker.publish(q, RedisTestSupport.wire("single", 0, -1));
    broker.publishAll("", q, batch);

    List<String> list = redis.raw.lrange(q, 0, -1);
    assertThat(list).hasSize(51);
    JsonNode single = CeleryJson.parse(list.get(list.size() - 1));
    Set<String> tags = new HashSet<>();
    List<String> ids = new ArrayList<>();
    for (int i = list.size() - 2; i >= 0; i--) {
      JsonNode env = CeleryJson.parse(list.get(i));
      assertThat(fieldNames(env)).isEqualTo(fieldNames(single));
      assertThat(fieldNames(env.get("properties"))).isEqualTo(fieldNames(single.get("properties")));
      assertThat(env.at("/properties/delivery_info/routing_key").asText()).isEqualTo(q);
      ids.add(env.at("/headers/id").asText());
      tags.add(env.at("/properties/delivery_tag").asText());
    }
    assertThat(ids).first().isEqualTo("id-0");
    assertThat(ids).last().isEqualTo("id-49");
    assertThat(tags).hasSize(50).doesNotContain(single.at("/properties/delivery_tag").asText());
    assertThat(broker.purge(q)).isEqualTo(51);
  }

  @Test
  void prioritiesGoToTheirOwnLists() {
    String q = RedisTestSupport.unique("batchprio");
    broker.publishAll(
        "",
        q,
        List.of(
            RedisTestSupport.wire("a", 0, 1),
            RedisTestSupport.wire("b", 9, 2),
            RedisTestSupport.wire("c", 0, 3)));
    assertThat(redis.raw.llen(q)).isEqualTo(2);
    assertThat(redis.raw.llen(q + RedisKeys.SEP + "9")).isEqualTo(1);
    assertThat(broker.size(q)).isEqualTo(3);
    broker.purge(q);
  }

  @Test
  void emptyBatchAndUnboundExchangeSendNothing() {
    String q = RedisTestSupport.unique("batchnone");
    broker.publishAll("", q, List.of());
    broker.publishAll("nobody-" + q, "rk", List.of(RedisTestSupport.wire("x", 0, 1)));
    assertThat(redis.raw.exists(q)).isZero();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
