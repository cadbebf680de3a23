package dev.apium.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;

/**
 * A {@link RedisClient} whose pub/sub connections have no blocking command set: Lettuce builds one
 * in every connection's constructor (a {@code java.lang.reflect.Proxy} class over the few hundred
 * methods of {@code RedisPubSubCommands} and a map of them, about 90 ms of a new JVM's start), and
 * Apium only ever talks to its pub/sub connections asynchronously. {@code sync()} on such a
 * connection throws. Made by {@link RedisConnector}; thread-safe as its parent.
 */
final class AsyncPubSubRedisClient extends RedisClient {
  AsyncPubSubRedisClient(ClientResources resources, RedisURI uri) {
    super(resources, uri);
  }

  @Override
  protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(
      PubSubEndpoint<K, V> endpoint,
      RedisChannelWriter channelWriter,
      RedisCodec<K, V> codec,
      Duration timeout) {
    return new StatefulRedisPubSubConnectionImpl<>(endpoint, channelWriter, codec, timeout) {
      @Override
      protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
        return null;
      }

      @Override
      public RedisPubSubCommands<K, V> sync() {
        throw new UnsupportedOperationException(
            "Apium's Redis pub/sub connections are asynchronous only: use async()");
      }
    };
  }
}
