package dev.apium.interop;

import dev.apium.Chain;
import dev.apium.Task;
import dev.apium.TaskContext;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/** Java twins of the canvas tasks in interop_tasks.py; {@link #close()} drops the connection. */
public class CanvasInteropTasks implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> recorder;

  public CanvasInteropTasks(String recordUrl) {
    this.client = RedisClient.create(recordUrl);
    this.recorder = client.connect();
  }

  /** Chord body: records "java:<sum>" under {@code key} and returns the sum. */
  @Task("interop.tally")
  public long tally(List<Long> numbers, String key) {
    long total = numbers.stream().mapToLong(Long::longValue).sum();
    recorder.sync().rpush(key, "java:" + total);
    return total;
  }

  /** Replaces itself with {@code add(x, 1) | add(10)}: the caller gets x + 11. */
  @Task("interop.jreplace")
  public Object replace(long x, TaskContext context) {
    throw context.replace(
        Chain.of(
            context.app().signature("interop.add", x, 1),
            context.app().signature("interop.add", 10)));
  }

  @Override
  public void close() {
    recorder.close();
    client.shutdown();
  }
}
