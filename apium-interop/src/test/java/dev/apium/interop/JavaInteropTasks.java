package dev.apium.interop;

import dev.apium.Task;
import dev.apium.TaskContext;
import dev.apium.TaskError;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Java twins of the tasks in interop_tasks.py, under the same names. */
public class JavaInteropTasks {
  private final StatefulRedisConnection<String, String> recorder;

  public JavaInteropTasks(String recordUrl) {
    this.recorder = recordUrl == null ? null : RedisClient.create(recordUrl).connect();
  }

  @Task("interop.add")
  public long add(long x, long y) {
    return x + y;
  }

  @Task("interop.mul")
  public long mul(long x, long y) {
    return x * y;
  }

  @Task("interop.tsum")
  public long tsum(List<Long> numbers) {
    return numbers.stream().mapToLong(Long::longValue).sum();
  }

  @Task("interop.fail")
  public Object fail(String message) {
    throw new TaskError("ValueError", message);
  }

  @Task("interop.jfail")
  public Object javaFail(String message) {
    throw new IllegalStateException(message);
  }

  @Task("interop.headers")
  public Map<String, Object> headers(TaskContext context) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("retries", context.retries());
    out.put("eta", String.valueOf(context.eta()));
    out.put("expires", String.valueOf(context.expires()));
    out.put("custom", context.headers().get("custom"));
    out.put("queue", context.queue());
    return out;
  }

  @Task("interop.whoami")
  public Map<String, Object> whoami(String tag, TaskContext context) {
    return Map.of("tag", tag, "worker", "java", "hostname", context.hostname());
  }

  @Task("interop.record")
  public String record(String tag, String key) {
    recorder.sync().rpush(key, "java:" + tag);
    return "java";
  }
}
