package dev.apium.interop;

import dev.apium.Task;
import dev.apium.TaskContext;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Stamps;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tasks for {@link StampsInteropIT}: each run pushes what its message carried (id, retries and the
 * three Celery 5.3+ stamping headers as Apium decoded them) as JSON onto a Redis list, so the test
 * sees every run of a task. Run on Apium pool threads; {@link #close()} drops the connection.
 */
public class StampTasks implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> redis;

  public StampTasks(String url) {
    this.client = RedisClient.create(url);
    this.redis = client.connect();
  }

  private void record(String key, Object value, TaskContext context) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("value", value);
    run.put("id", context.id());
    run.put("retries", context.retries());
    run.put(Stamps.STAMPED_HEADERS, context.headers().get(Stamps.STAMPED_HEADERS));
    run.put(Stamps.STAMPS, context.headers().get(Stamps.STAMPS));
    redis.sync().rpush(key, CeleryJson.write(CeleryJson.toTree(run)));
  }

  /** Records its run and returns {@code value + 1}. */
  @Task("stamps.step")
  public long step(long value, String key, TaskContext context) {
    record(key, value, context);
    return value + 1;
  }

  /** Records each run; the first asks for a retry in 0.2 s. */
  @Task("stamps.retry_once")
  public String retryOnce(String key, TaskContext context) {
    record(key, "run", context);
    if (context.retries() == 0) {
      throw context.retry(Duration.ofMillis(200));
    }
    return "done";
  }

  /** Records that it started, then waits (interruptibly) until {@code release} exists, 60 s max. */
  @Task("stamps.block")
  public String block(String key, String release, TaskContext context) throws InterruptedException {
    record(key, "started", context);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (redis.sync().exists(release) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    record(key, "finished", context);
    return "released";
  }

  @Override
  public void close() {
    redis.close();
    client.shutdown();
  }
}
