package dev.apium.interop;

import dev.apium.Task;
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

  @Override
  public void close() {
    recorder.close();
    client.shutdown();
  }
}
