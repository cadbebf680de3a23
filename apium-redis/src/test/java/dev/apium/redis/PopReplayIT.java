package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.testing.PrivateRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pop.lua} run twice with the same arguments, as Lettuce replays a command whose reply a
 * dropped connection lost: the first run's messages must stay in {@code unacked} (to be restored
 * after the visibility timeout), not be overwritten by the replay's. A private redis-server.
 */
class PopReplayIT {
  @Test
  void aReplayedPopNeverOverwritesTheFirstRunsEntries() throws Exception {
    try (PrivateRedisServer server = new PrivateRedisServer().start()) {
      RedisClient client = RedisClient.create(server.url(0));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        RedisCommands<String, String> redis = c.sync();
        RedisKeys keys = new RedisKeys("", 0);
        for (int i = 0; i < 8; i++) {
          redis.lpush(
              "q",
              new String(
                  Envelopes.writeUtf8(RedisTestSupport.wire("m-" + i, 0), "", "q"),
                  StandardCharsets.UTF_8));
        }
        String[] scriptKeys = new String[3 + 4];
        scriptKeys[0] = keys.unacked();
        scriptKeys[1] = keys.unackedIndex();
        scriptKeys[2] = keys.dead();
        for (int s = 0; s < 4; s++) {
          scriptKeys[3 + s] = keys.queue("q", RedisKeys.STEPS[s]);
        }
        String[] args = {"1700000000.5", "4", "1", "q", "abcdef0123456789.", "0"};
        BlockingRedis blocking = new BlockingRedis(redis.getStatefulConnection());
        List<Object> first = LuaScripts.POP.run(blocking, ScriptOutputType.MULTI, scriptKeys, args);
        List<Object> replay =
            LuaScripts.POP.run(blocking, ScriptOutputType.MULTI, scriptKeys, args);

        assertThat(tags(first)).hasSize(4).doesNotContainAnyElementsOf(tags(replay));
        assertThat(tags(replay)).hasSize(4).allMatch(t -> t.contains("~"));
        assertThat(redis.hlen(keys.unacked())).isEqualTo(8);
        assertThat(redis.zcard(keys.unackedIndex())).isEqualTo(8);
        assertThat(redis.llen("q")).isZero();
      } finally {
        client.shutdown();
      }
    }
  }

  private static List<String> tags(List<Object> out) {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i + 3 < out.size(); i += 4) {
      assertThat(((Number) out.get(i)).intValue()).isEqualTo(1);
      tags.add((String) out.get(i + 2));
    }
    return tags;
  }
}
