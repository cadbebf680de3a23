package dev.apium.redis;

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
}
