package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Three {@code apium beat} processes with a 1-second entry under {@code missed: all}; the leader is
 * killed with SIGKILL twice. Every second from the first firing to the last is sent exactly once.
 * Owns Redis db 1 (flushed at start).
 */
class BeatFailoverIT {
  private static final String REDIS = "redis://127.0.0.1:6379/1";
  private static final String QUEUE = "beat-failover";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killingTheLeaderTwiceLosesAndDoublesNoRun() throws Exception {
    RedisClient client = RedisClient.create(REDIS);
    List<Process> beats = new ArrayList<>();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      redis.flushdb();
      Path schedule = Files.createTempDirectory("apium-beat").resolve("apium-beat.yaml");
      Files.writeString(
          schedule,
          "tick:\n  task: beat.tick\n  schedule: 1.0\n  missed: all\n  options: {queue: "
              + QUEUE
              + "}\n");
      for (int i = 0; i < 3; i++) {
        beats.add(
            WorkerProcess.command(
                "beat-failover-" + i,
                List.of(),
                "beat",
                "-b",
                REDIS,
                "--backend",
                REDIS,
                "--schedule",
                schedule.toString()));
      }
      List<Long> killed = new ArrayList<>();
      for (int kill = 0; kill < 2; kill++) {
        long before = redis.llen(QUEUE);
        await().atMost(Duration.ofSeconds(90)).until(() -> redis.llen(QUEUE) >= before + 4);
        long leader = leaderPid(redis, killed);
        ProcessHandle.of(leader).orElseThrow().destroyForcibly();
        killed.add(leader);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ProcessHandle.of(leader).map(p -> !p.isAlive()).orElse(true));
      }
      long before = redis.llen(QUEUE);
      await().atMost(Duration.ofSeconds(60)).until(() -> redis.llen(QUEUE) >= before + 12);
      beats.forEach(Process::destroy);

      TreeMap<Instant, Integer> runs = new TreeMap<>();
      for (String envelope : redis.lrange(QUEUE, 0, -1)) {
        JsonNode headers = JSON.readTree(envelope).path("headers");
        String key = headers.path("apium_beat_key").asText();
        runs.merge(Instant.parse(key.substring(key.indexOf('@') + 1)), 1, Integer::sum);
      }
      Instant first = runs.firstKey();
      Instant last = runs.lastKey();
      long expected = Duration.between(first, last).toSeconds() + 1;
      long doubled = runs.values().stream().filter(n -> n > 1).count();
      System.out.printf(
          "[BeatFailoverIT] leader killed twice (pids %s): %d runs expected from %s to %s,"
              + " %d sent, %d missed, %d doubled%n",
          killed, expected, first, last, runs.size(), expected - runs.size(), doubled);
      assertThat(runs).hasSize((int) expected);
      assertThat(doubled).isZero();
    } finally {
      beats.forEach(Process::destroyForcibly);
      client.shutdown();
    }
  }

  /** The pid of the beat holding the lease (its owner is {@code beat-<pid>-<suffix>}). */
  private static long leaderPid(RedisCommands<String, String> redis, List<Long> dead) {
    long[] pid = new long[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<String> leases = redis.keys("apium.beat.*.leader");
              if (leases.isEmpty()) {
                return false;
              }
              String value = redis.get(leases.get(0));
              if (value == null) {
                return false;
              }
              String owner = value.substring(value.indexOf('|') + 1);
              pid[0] = Long.parseLong(owner.split("-")[1]);
              return !dead.contains(pid[0]);
            });
    return pid[0];
  }
}
