package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.apium.protocol.ResultMeta;
import dev.apium.testing.PrivateRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SUBSCRIBE and UNSUBSCRIBE for one channel can reach Redis in another order than the waiters sent
 * them (a resubscribe queued from one thread, an unsubscribe written on the event loop). Each test
 * sends the out-of-order command itself on the waiters' own pub/sub connection and checks that
 * Redis ends where the waiters are: no channel left behind, no waiter left deaf.
 */
class ResultWaitersIT {
  private static final String KEY = "celery-task-meta-7f1c";

  private PrivateRedisServer server;
  private RedisClient client;
  private StatefulRedisConnection<String, String> commands;
  private final AtomicReference<StatefulRedisPubSubConnection<String, String>> pubsub =
      new AtomicReference<>();
  private ResultWaiters waiters;

  @BeforeEach
  void start() throws Exception {
    server = new PrivateRedisServer().start();
    client = RedisClient.create(server.url(0));
    commands = client.connect();
    waiters =
        new ResultWaiters(
            () -> {
              StatefulRedisPubSubConnection<String, String> c = client.connectPubSub();
              pubsub.set(c);
              return c;
            },
            listener -> {},
            commands.async(),
            Runnable::run);
  }

  @AfterEach
  void stop() throws Exception {
    waiters.close();
    commands.close();
    client.shutdown();
    server.kill();
  }

  private long subscribers() {
    return commands.sync().pubsubNumsub(KEY).getOrDefault(KEY, 0L);
  }

  private void storeAndPublish(int value) {
    String json =
        new String(
            ResultMeta.success("7f1c", IntNode.valueOf(value), Instant.now()).toBytes(),
            StandardCharsets.UTF_8);
    commands.sync().set(KEY, json);
    commands.sync().publish(KEY, json);
  }

  @Test
  void aSubscribeLandingAfterTheLastWaiterLeftIsUndone() throws Exception {
    CompletableFuture<ResultMeta> result = waiters.await(KEY);
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 1);
    storeAndPublish(3);
    assertThat(result.get(10, TimeUnit.SECONDS).result().asInt()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);

    // a late resubscribe: Redis confirms it, so the channel is subscribed at this point
    pubsub.get().async().subscribe(KEY).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);
    assertThat(waiters.channels()).isZero();
  }

  @Test
  void anUnsubscribeLandingWhileSomeoneWaitsIsUndone() throws Exception {
    CompletableFuture<ResultMeta> result = waiters.await(KEY);
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 1);

    // a stale unsubscribe (of an earlier waiter of the same task) lands after the new subscribe
    pubsub.get().async().unsubscribe(KEY).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 1);
    storeAndPublish(5);
    assertThat(result.get(10, TimeUnit.SECONDS).result().asInt()).isEqualTo(5);
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);
  }
}
