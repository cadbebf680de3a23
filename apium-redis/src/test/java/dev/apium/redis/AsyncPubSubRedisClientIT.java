package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.testing.PrivateRedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pub/sub connections Apium opens have no blocking command set (Lettuce's costs a new JVM about
 * 90 ms to build): asking for it fails with a clear message, and the asynchronous commands
 * subscribe and receive as before.
 */
class AsyncPubSubRedisClientIT {
  @Test
  void pubSubConnectionsWorkAsynchronouslyAndRefuseTheBlockingCommands() throws Exception {
    try (PrivateRedisServer server = new PrivateRedisServer().start()) {
      ClientResources resources = ClientResources.create();
      AsyncPubSubRedisClient client =
          new AsyncPubSubRedisClient(resources, RedisURI.create(server.url(0)));
      try (StatefulRedisPubSubConnection<String, String> pubsub =
              client.connectPubSub(StringCodec.UTF8);
          var publisher = client.connect()) {
        assertThatThrownBy(pubsub::sync)
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
        assertThat(publisher.sync().publish("apium-test", "hello")).isEqualTo(1);
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("apium-test=hello");
      } finally {
        client.shutdown();
        resources.shutdown();
      }
    }
  }
}
