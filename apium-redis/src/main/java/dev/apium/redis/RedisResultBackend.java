package dev.apium.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.BrokerException;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import dev.apium.spi.Threads;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Celery's Redis result backend, same keys and JSON: {@code celery-task-meta-<id>} (SETEX {@code
 * result_expires} and PUBLISH on the key's channel in one Lua script that also refuses to replace a
 * SUCCESS), {@code celery-taskset-meta-<gid>} for saved groups, and the chord join keys {@code
 * <gid>.j} (zset scored by group index, members {@code [1, id, state, result]}), {@code .s} (size)
 * and {@code .t} (added tasks), counted in one Lua script so exactly one caller sees completion.
 * Apium adds {@code celery-taskset-meta-<gid>.ids}, a set of counted task ids that makes a
 * redelivered part count once (it expires with the other keys), and the zset {@code apium.revoked}
 * of revoked task ids scored by expiry (epoch seconds). Like Celery 5.2.6's backend, and unlike the
 * broker, it ignores {@code global_keyprefix}, so Python clients find the results.
 *
 * <p>Connections: one shared command connection, and one pub/sub connection opened on the first
 * {@link #awaitReady} and shared by every waiter; waiting never polls. Thread-safe; {@link
 * #close()} cancels the waiters and closes both connections.
 */
public final class RedisResultBackend implements ResultBackend {
  private static final String TASK = "celery-task-meta-";
  private static final String GROUP = "celery-taskset-meta-";

  private final RedisConnector connector;
  private final StatefulRedisConnection<String, String> connection;
  private final BlockingRedis blocking;
  private final long ttl;
  private final ExecutorService completer;
  private final ResultWaiters waiters;

  /** Connects now, so an unreachable Redis is reported at start, naming host and port. */
  public RedisResultBackend(String url, Settings config) {
    this.connector =
        new RedisConnector(
            RedisTlsSettings.apply(url, config, RedisTlsSettings.BACKEND),
            Settings.RESULT_BACKEND,
            config.getSeconds(RedisSettings.SOCKET_TIMEOUT, RedisConnector.COMMAND_TIMEOUT),
            TransportOptions.read(config::get, TransportOptions.BACKEND));
    try {
      this.connection = connector.connect();
    } catch (BrokerException e) {
      connector.close();
      throw e;
    }
    this.blocking = new BlockingRedis(connection);
    this.ttl =
        Math.max(1, config.getSeconds(Settings.RESULT_EXPIRES, Duration.ofDays(1)).toSeconds());
    this.completer = Executors.newSingleThreadExecutor(Threads.daemon("apium-redis-results"));
    this.waiters =
        new ResultWaiters(
            connector::connectPubSub, connector::addListener, connection.async(), completer);
  }

  private BlockingRedis redis() {
    return blocking;
  }

  private String taskKey(String taskId) {
    return TASK + taskId;
  }

  private String groupKey(String groupId) {
    return GROUP + groupId;
  }

  @Override
  public void store(ResultMeta meta) {
    String json = new String(meta.toBytes(), StandardCharsets.UTF_8);
    run(
        "store the result of " + meta.taskId(),
        () ->
            LuaScripts.STORE_RESULT.run(
                redis(),
                ScriptOutputType.INTEGER,
                new String[] {taskKey(meta.taskId())},
                json,
                Long.toString(ttl)));
  }

  /** The same script as {@link #store}, pipelined: the future completes on Redis's reply. */
  @Override
  public CompletableFuture<Void> storeForAsync(ResultMeta meta, String replyTo) {
    String json = new String(meta.toBytes(), StandardCharsets.UTF_8);
    return connector.replied(
        "store the result of " + meta.taskId(),
        () ->
            LuaScripts.STORE_RESULT.runAsync(
                connection.async(),
                ScriptOutputType.INTEGER,
                new String[] {taskKey(meta.taskId())},
                json,
                Long.toString(ttl)));
  }

  @Override
  public Optional<ResultMeta> get(String taskId) {
    String text = run("read the result of " + taskId, () -> redis().get(taskKey(taskId)));
    return text == null
        ? Optional.empty()
        : Optional.of(ResultMeta.fromBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public CompletableFuture<ResultMeta> awaitReady(String taskId) {
    CompletableFuture<ResultMeta> expected = waiters.takeExpected(taskKey(taskId));
    if (expected != null) {
      return expected;
    }
    Optional<ResultMeta> now = get(taskId);
    if (now.isPresent() && now.get().ready()) {
      return CompletableFuture.completedFuture(now.get());
    }
    return run("wait for " + taskId, () -> waiters.await(taskKey(taskId)));
  }

  /** Subscribes now to the task's channel (pipelined, no reply awaited); see ResultWaiters. */
  @Override
  public void expect(String taskId) {
    try {
      waiters.expect(taskKey(taskId));
    } catch (RedisException e) {
      // only a hint: awaitReady will read and subscribe itself
    }
  }

  @Override
  public void forget(String taskId) {
    run("forget " + taskId, () -> redis().del(taskKey(taskId)));
  }

  @Override
  public void saveGroup(String groupId, JsonNode resultTuple) {
    ObjectNode value = CeleryJson.object();
    value.set("result", resultTuple);
    setAndPublish(groupKey(groupId), CeleryJson.write(value));
  }

  @Override
  public Optional<JsonNode> restoreGroup(String groupId) {
    String text = run("read group " + groupId, () -> redis().get(groupKey(groupId)));
    return text == null ? Optional.empty() : Optional.of(CeleryJson.parse(text).get("result"));
  }

  @Override
  public void forgetGroup(String groupId) {
    run("forget group " + groupId, () -> redis().del(groupKey(groupId)));
  }

  @Override
  public void chordSetSize(String groupId, int size) {
    setAndPublish(groupKey(groupId) + ".s", Integer.toString(size));
  }

  @Override
  public void chordAddTasks(String groupId, int count) {
    String key = groupKey(groupId) + ".t";
    run(
        "add tasks to chord " + groupId,
        () -> {
          redis().incrby(key, count);
          return redis().expire(key, ttl);
        });
  }

  @Override
  public Optional<List<ChordPart>> chordPartDone(String groupId, int groupIndex, ChordPart part) {
    String base = groupKey(groupId);
    ArrayNode member = CeleryJson.array();
    member.add(1).add(part.taskId()).add(part.state()).add(part.result());
    List<Object> parts =
        run(
            "join chord " + groupId,
            () ->
                LuaScripts.CHORD_PART.run(
                    redis(),
                    ScriptOutputType.MULTI,
                    new String[] {base + ".j", base + ".s", base + ".t", base + ".ids"},
                    groupIndex < 0 ? "+inf" : Integer.toString(groupIndex),
                    CeleryJson.write(member),
                    part.taskId(),
                    Long.toString(ttl)));
    if (parts == null || parts.isEmpty()) {
      return Optional.empty();
    }
    List<ChordPart> done = new ArrayList<>(parts.size());
    for (Object text : parts) {
      JsonNode node = CeleryJson.parse((String) text);
      done.add(new ChordPart(node.path(1).asText(), node.path(2).asText(), node.get(3)));
    }
    return Optional.of(done);
  }

  @Override
  public void markRevoked(String taskId, Duration keepFor) {
    double until = (System.currentTimeMillis() + keepFor.toMillis()) / 1000.0;
    run(
        "mark " + taskId + " revoked",
        () -> {
          redis().zremrangebyscore(revokedKey(), Range.create(0, now()));
          return redis().zadd(revokedKey(), until, taskId);
        });
  }

  @Override
  public Set<String> revokedIds() {
    List<String> ids =
        run(
            "read revoked ids",
            () ->
                redis().zrangebyscore(revokedKey(), Range.create(now(), Double.POSITIVE_INFINITY)));
    return new LinkedHashSet<>(ids);
  }

  private String revokedKey() {
    return "apium.revoked";
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private void setAndPublish(String key, String value) {
    run(
        "write " + key,
        () ->
            LuaScripts.SET_PUBLISH.run(
                redis(), ScriptOutputType.INTEGER, new String[] {key}, value, Long.toString(ttl)));
  }

  @Override
  public Optional<dev.apium.spi.CoordinationStore> coordination() {
    return Optional.of(
        new RedisCoordinationStore(
            connection, "", e -> connector.failed("coordinate beat schedulers", e)));
  }

  @Override
  public String describe() {
    return "redis " + connector.describe();
  }

  @Override
  public void close() {
    waiters.close();
    completer.shutdown();
    connection.close();
    connector.close();
  }

  /** How many task channels the shared pub/sub connection listens to (tests). */
  int waitingChannels() {
    return waiters.channels();
  }

  private <T> T run(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RedisException e) {
      throw connector.failed(what, e);
    }
  }
}
