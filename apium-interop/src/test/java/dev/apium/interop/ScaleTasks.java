package dev.apium.interop;

import dev.apium.Task;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The task of the many-hosts test, loaded by child workers through {@code -A}: each execution
 * appends its tag to the list {@code scale.executions} on the test's private Redis ({@code
 * SCALE_RECORD_URL}, db 1), so duplicates are counted across hosts, and sleeps a little so the
 * batch is still running when a fault strikes. A write that fails retries the task, as a task whose
 * own dependency is briefly down would.
 */
public class ScaleTasks {
  static final String EXECUTIONS = "scale.executions";
  private static StatefulRedisConnection<String, String> recorder;

  private static synchronized StatefulRedisConnection<String, String> recorder() {
    if (recorder == null) {
      recorder = RedisClient.create(System.getenv("SCALE_RECORD_URL")).connect();
    }
    return recorder;
  }

  /** Retried when its own write to Redis fails (the broker restart test restarts that Redis). */
  @Task(
      value = "scale.mark",
      acksLate = true,
      autoretryFor = RedisException.class,
      maxRetries = 20,
      defaultRetryDelay = 1,
      retryJitter = false)
  public String mark(String tag, long millis) throws InterruptedException {
    recorder().sync().rpush(EXECUTIONS, tag);
    Thread.sleep(millis);
    return tag;
  }
}
