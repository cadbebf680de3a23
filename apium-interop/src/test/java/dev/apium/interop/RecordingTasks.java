package dev.apium.interop;

import dev.apium.Task;
import dev.apium.TaskContext;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Tasks for the crash and restart tests: each execution appends its tag to a Redis list (db 13), so
 * a test can count executions across processes, and {@code <tag> <worker nodename>} to the list
 * {@code <key>:by}, so it can tell which worker ran each one. Loaded by child worker processes
 * through {@code -A}.
 */
public class RecordingTasks {
  static final String REDIS = "redis://127.0.0.1:6379/13";
  private static final StatefulRedisConnection<String, String> RECORDER =
      RedisClient.create(REDIS).connect();

  /** Slow, acknowledged late: a worker killed mid-run leaves it in {@code unacked}. */
  @Task(value = "crash.slow", acksLate = true)
  public String slow(String tag, String key, long millis) throws InterruptedException {
    record(key, tag);
    Thread.sleep(millis);
    return tag;
  }

  /** A chord part: short, acknowledged late, so a killed worker's parts come back. */
  @Task(value = "crash.part", acksLate = true)
  public int part(int n) throws InterruptedException {
    Thread.sleep(20);
    return n;
  }

  /** A chord body: records {@code tag} once it has summed its parts. */
  @Task(value = "crash.sum", acksLate = true)
  public int sum(java.util.List<Integer> parts, String key, String tag) {
    int total = parts.stream().mapToInt(Integer::intValue).sum();
    record(key, tag + "=" + total);
    return total;
  }

  /** Appends {@code tag} to {@code key} and {@code "tag nodename"} to {@code key:by}. */
  private static void record(String key, String tag) {
    RECORDER.sync().rpush(key, tag);
    RECORDER.sync().rpush(key + ":by", tag + " " + TaskContext.current().hostname());
  }

  @Task("crash.fast")
  public String fast(String tag, String key) {
    RECORDER.sync().rpush(key, tag);
    return tag;
  }
}
