package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.testing.PrivateRedisServer;
import dev.apium.testing.StopDuringOutage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its Redis is down (a private redis-server, AOF with fsync always)
 * stops within seconds instead of waiting a command timeout for each thing it would give back, and
 * loses nothing: once Redis is back, the next worker runs every task, the prefetched ones given
 * back by its liveness reaper. Both a crash (SIGKILL: connections drop) and a hang (SIGSTOP:
 * connections stay, commands time out) are tried; the command timeout is 2 s here, so that without
 * the bound a stop would take 2 s per prefetched message.
 */
class RedisStopWhileDownIT {
  private PrivateRedisServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PrivateRedisServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.kill();
  }

  private Apium app() {
    return Apium.builder()
        .withoutEnvironment()
        .broker(server.url(0))
        .backend(server.url(1))
        .config("worker_lost_timeout", "2")
        .config("redis_socket_timeout", "2")
        .build();
  }

  @Test
  void aWarmStopAfterRedisCrashedIsQuickAndLosesNothing() throws Exception {
    StopDuringOutage.check(
        this::app,
        first -> {
          server.kill();
          RedisConnector connector = ((RedisBroker) first.broker()).connector();
          await().atMost(Duration.ofSeconds(5)).until(() -> !connector.reachable());
        },
        first -> server.start(),
        this::app);
  }

  /** A hung server: the first give-back waits its command timeout, the rest are skipped. */
  @Test
  void aWarmStopWhileRedisHangsWaitsOneTimeoutNotOnePerMessage() throws Exception {
    StopDuringOutage.check(this::app, first -> server.pause(), first -> server.resume(), this::app);
  }

  /**
   * A consumer closed during a hang (as by {@code cancel_consumer}) gives up its give-backs; once
   * Redis answers the liveness beat again, the broker's own close gives back what it holds as usual
   * instead of leaving it to the reaper.
   */
  @Test
  void aGiveUpDuringAnOutageEndsWhenRedisAnswersAgain() throws Exception {
    dev.apium.ApiumConfig config =
        dev.apium.ApiumConfig.of(
            java.util.Map.of("worker_lost_timeout", "2", "redis_socket_timeout", "1"));
    java.util.List<dev.apium.spi.Delivery> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    RedisBroker broker = new RedisBroker(server.url(0), config);
    for (int i = 0; i < 5; i++) {
      broker.publish("q", RedisTestSupport.wire("t" + i, 0));
    }
    dev.apium.spi.Subscription consuming = broker.consume(java.util.List.of("q"), 10, held::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 5);

    server.pause();
    consuming.close(); // its landing list's give-back times out: the broker gives up
    assertThat(broker.givingBackOnClose()).isFalse();
    server.resume();
    await().atMost(Duration.ofSeconds(10)).until(broker::givingBackOnClose);
    broker.close();

    try (RedisBroker after = new RedisBroker(server.url(0), config)) {
      assertThat(after.size("q")).isEqualTo(5);
    }
  }
}
