package dev.apium.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;

/**
 * A {@link RedisClient} whose connections have no blocking command set: Lettuce builds one in every
 * connection's constructor (a {@code java.lang.reflect.Proxy} over the few hundred methods of
 * {@code RedisCommands} or {@code RedisPubSubCommands}, and a map of them made by reflection),
 * which cost a new worker, with its six connections, about a tenth of its start on the main thread
 * and more on its JIT's. Apium sends every command asynchronously and waits, where it must, through
 * {@link BlockingRedis}. {@code sync()} on these connections throws. Made by {@link
 * RedisConnector}; thread-safe as its parent.
 */
final class AsyncRedisClient extends RedisClient {
  static final String ASYNC_ONLY =
      "Apium's Redis connections are asynchronous only: use async(), or BlockingRedis to wait";

  AsyncRedisClient(ClientResources resources, RedisURI uri) {
    super(resources, uri);
  }

  @Override
  protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
      RedisChannelWriter channelWriter,
      PushHandler pushHandler,
      RedisCodec<K, V> codec,
      Duration timeout) {
    return new StatefulRedisConnectionImpl<>(
        channelWriter, pushHandler, codec, timeout, getOptions().getJsonParser()) {
      @Override
      protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
        return null;
      }

      @Override
      public RedisCommands<K, V> sync() {
        throw new UnsupportedOperationException(ASYNC_ONLY);
      }
    };
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
        throw new UnsupportedOperationException(ASYNC_ONLY);
      }
    };
  }
}
