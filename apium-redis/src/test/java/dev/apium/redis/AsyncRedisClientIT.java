package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.testing.PrivateRedisServer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connections Apium opens have no blocking command set (Lettuce's reflective one cost a new
 * worker about a tenth of its start): asking for it fails with a clear message, the asynchronous
 * commands work as before, and {@link BlockingRedis} waits for them with Lettuce's own semantics (a
 * server error surfaces as the same exception type).
 */
class AsyncRedisClientIT {
  @Test
  void connectionsWorkAsynchronouslyAndRefuseTheBlockingCommands() throws Exception {
    try (PrivateRedisServer server = new PrivateRedisServer().start()) {
      ClientResources resources = ClientResources.create();
      AsyncRedisClient client = new AsyncRedisClient(resources, RedisURI.create(server.url(0)));
      try (StatefulRedisPubSubConnection<String, String> pubsub =
              client.connectPubSub(StringCodec.UTF8);
          var publisher = client.connect()) {
        assertThatThrownBy(pubsub::sync)
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("use async()");
        assertThatThrownBy(publisher::sync)
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("use async()");
        CompletableFuture<String> received = new CompletableFuture<>();
        pubsub.addListener(
            new RedisPubSubAdapter<>() {
              @Override
              public void message(String channel, String message) {
                received.complete(channel + "=" + message);
              }
            });
        pubsub.async().subscribe("apium-test").get(10, TimeUnit.SECONDS);
        BlockingRedis redis = new BlockingRedis(publisher);
        assertThat(redis.await(publisher.async().publish("apium-test", "hello"))).isEqualTo(1);
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("apium-test=hello");
        assertThat(redis.lpush("apium-list", "a", "b")).isEqualTo(2);
        assertThat(redis.lrange("apium-list", 0, -1)).containsExactly("b", "a");
        assertThatThrownBy(() -> redis.incrby("apium-list", 1))
            .isInstanceOf(RedisCommandExecutionException.class)
            .hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(
                () ->
                    redis.await(
                        redis.evalshaAsync(
                            "0".repeat(40), ScriptOutputType.INTEGER, new String[0])))
            .isInstanceOf(RedisNoScriptException.class);
      } finally {
        client.shutdown();
        resources.shutdown();
      }
    }
  }
}
