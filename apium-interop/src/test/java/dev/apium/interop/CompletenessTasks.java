package dev.apium.interop;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Canvas;
import dev.apium.Chain;
import dev.apium.Group;
import dev.apium.GroupResult;
import dev.apium.Task;
import dev.apium.TaskContext;
import dev.apium.TaskError;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Java twins of the tasks in completeness_tasks.py (issue 14), under the same names; {@link
 * #close()} drops the recording connection.
 */
public class CompletenessTasks implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> recorder;

  public CompletenessTasks(String recordUrl) {
    this.client = RedisClient.create(recordUrl);
    this.recorder = client.connect();
  }

  @Task("c14.identity")
  public Object identity(Object x) {
    return x;
  }

  @Task("c14.replace_failing")
  public Object replaceFailing(String key, TaskContext context) {
    Apium app = context.app();
    throw context.replace(
        Chain.of(app.signature("interop.fail", "inner"), app.signature("interop.add", 1, 1).si())
            .linkError(app.signature("interop.record", "errback", key).si()));
  }

  @Task(value = "c14.retry_max", maxRetries = 3)
  public Object retryMax(String key, TaskContext context) {
    recorder.sync().rpush(key, "run");
    throw context.retry(Duration.ofMillis(100)).withMaxRetries(1);
  }

  /** Seconds until this call expires; a client that has it registered gives it 60 by default. */
  @Task(value = "c14.expires_in", expires = 60)
  public Double expiresIn(TaskContext context) {
    return context.expires() == null
        ? null
        : Duration.between(java.time.Instant.now(), context.expires()).toMillis() / 1000.0;
  }

  @Override
  public void close() {
    recorder.close();
    client.shutdown();
  }

  @Task("c14.fail2")
  public Object fail2(String a, String b) {
    throw TaskError.of("completeness_tasks", "ExpectedException", a, b);
  }

  @Task("c14.fail0")
  public Object fail0() {
    throw TaskError.of("completeness_tasks", "ExpectedException");
  }

  @Task("c14.arity")
  public long arity(long x, long y) {
    return x + y;
  }

  @Task("c14.replace_empty")
  public Object replaceEmpty(TaskContext context) {
    throw context.replace(Chain.of());
  }

  @Task("c14.replace_chain")
  public Object replaceChain(long x, TaskContext context) {
    throw context.replace(
        Chain.of(
            context.app().signature("interop.add", x, 1),
            context.app().signature("interop.add", 10)));
  }

  @Task("c14.props")
  public Map<String, Object> props(TaskContext context) {
    return context.properties();
  }

  @Task("c14.spawn")
  public long spawn(long x, TaskContext context) {
    context.app().send("interop.add", x, 1);
    return x;
  }

  @Task("c14.spawn_group")
  public int spawnGroup(int n, TaskContext context) {
    pairs(n, context).delay();
    return n;
  }

  @Task("c14.returns_result")
  public AsyncResult<Object> returnsResult(long x, TaskContext context) {
    return context.app().send("interop.add", x, x);
  }

  @Task("c14.returns_group")
  public GroupResult returnsGroup(int n, TaskContext context) {
    return pairs(n, context).delay();
  }

  private static Group pairs(int n, TaskContext context) {
    List<Canvas> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(context.app().signature("interop.add", i, i));
    }
    return Group.of(members);
  }
}
