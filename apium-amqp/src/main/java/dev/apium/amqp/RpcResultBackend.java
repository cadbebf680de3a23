package dev.apium.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Celery's {@code rpc://} result backend: results travel as AMQP messages to the sender's own reply
 * queue, named by this process's oid (durable=false, auto_delete=true, {@code x-expires} =
 * result_expires), which a client puts in every task's {@code reply_to} ({@link #replyTo()}). The
 * worker side ({@link #storeFor}) publishes each state to {@code ""}/reply_to with {@code
 * correlation_id} = task id; the client side consumes its queue on amqp-client's consumer thread
 * and keeps the latest state of each task in memory (the newest {@value #MAX_KEPT}), completing
 * {@link #awaitReady} futures. So results are readable only by the process that sent the task, and
 * groups and revokes live in this process's memory; chords are refused as in Celery. {@link
 * #close()} closes the connection and RabbitMQ deletes the reply queue.
 */
public final class RpcResultBackend implements ResultBackend {
  private static final String NO_CHORDS =
      "the rpc:// backend does not support chords: use a redis:// result backend";

  private final AmqpUrl url;
  private final Connection connection;
  private final Publisher publisher;
  private final String oid = UUID.randomUUID().toString();
  private final long expiresMillis;

  /** Results kept in memory at most; the oldest task ids are forgotten first. */
  static final int MAX_KEPT = 100_000;

  private final Map<String, ResultMeta> latest = new ConcurrentHashMap<>();
  private final Queue<String> arrival = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Map<String, CompletableFuture<ResultMeta>> waiters = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> groups = new ConcurrentHashMap<>();
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private Channel replies; // guarded by this

  /** A backend talking to the RabbitMQ at {@code brokerUrl} (an {@code amqp://} URL). */
  public RpcResultBackend(String brokerUrl, Settings config) {
    this.url = AmqpUrl.parse(brokerUrl);
    this.expiresMillis = config.getSeconds(Settings.RESULT_EXPIRES, Duration.ofDays(1)).toMillis();
    this.connection = new AmqpConnector(url, config).open("rpc results");
    this.publisher = new Publisher(connection, 1, true, Duration.ofSeconds(30));
  }

  @Override
  public Optional<String> replyTo() {
    listen();
    return Optional.of(oid);
  }

  /** Records a state in this process only: without a reply_to there is no sender to tell. */
  @Override
  public void store(ResultMeta meta) {
    record(meta);
  }

  @Override
  public void storeFor(ResultMeta meta, String replyTo) {
    if (replyTo == null || replyTo.isEmpty()) {
      record(meta);
      return;
    }
    publisher.publish("", replyTo, replyProperties(meta), replyBody(meta), false);
  }

  /**
   * The reply published without waiting: the future completes on RabbitMQ's confirm. Not mandatory,
   * as {@link #storeFor}: a reply to a client that has gone is dropped, as in Celery.
   */
  @Override
  public java.util.concurrent.CompletableFuture<Void> storeForAsync(
      ResultMeta meta, String replyTo) {
    if (replyTo == null || replyTo.isEmpty()) {
      record(meta);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    try {
      return publisher.publishAsync("", replyTo, replyProperties(meta), replyBody(meta), false);
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] replyBody(ResultMeta meta) {
    ObjectNode body = CeleryJson.object();
    body.put("task_id", meta.taskId());
    body.put("status", meta.status());
    body.set("result", meta.result());
    body.put("traceback", meta.traceback());
    body.set("children", meta.children());
    return CeleryJson.writeBytes(body);
  }

  private static AMQP.BasicProperties replyProperties(ResultMeta meta) {
    return new AMQP.BasicProperties.Builder()
        .contentType(WireMessage.JSON)
        .contentEncoding("utf-8")
        .correlationId(meta.taskId())
        .deliveryMode(1)
        .headers(Map.of())
        .build();
  }

  private void record(ResultMeta meta) {
    if (!latest.containsKey(meta.taskId())) {
      arrival.add(meta.taskId());
      queued.incrementAndGet();
      while (latest.size() >= MAX_KEPT || queued.get() > 2 * MAX_KEPT) {
        String oldest = arrival.poll();
        if (oldest == null) {
          break;
        }
        queued.decrementAndGet();
        latest.remove(oldest);
      }
    }
    ResultMeta kept =
        latest.merge(
            meta.taskId(), meta, (old, now) -> TaskState.SUCCESS.equals(old.status()) ? old : now);
    if (kept.ready()) {
      CompletableFuture<ResultMeta> waiting = waiters.remove(kept.taskId());
      if (waiting != null) {
        waiting.complete(kept);
      }
    }
  }

  @Override
  public Optional<ResultMeta> get(String taskId) {
    listen();
    return Optional.ofNullable(latest.get(taskId));
  }

  @Override
  public CompletableFuture<ResultMeta> awaitReady(String taskId) {
    listen();
    ResultMeta known = latest.get(taskId);
    if (known != null && known.ready()) {
      return CompletableFuture.completedFuture(known);
    }
    CompletableFuture<ResultMeta> shared =
        waiters.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    ResultMeta raced = latest.get(taskId);
    if (raced != null && raced.ready() && waiters.remove(taskId, shared)) {
      shared.complete(raced);
    }
    return shared.copy();
  }

  private synchronized void listen() {
    if (replies != null) {
      return;
    }
    try {
      Channel channel = connection.createChannel();
      Object expires =
          expiresMillis <= Integer.MAX_VALUE ? (Object) (int) expiresMillis : expiresMillis;
      channel.queueDeclare(oid, false, false, true, Map.of("x-expires", expires));
      channel.basicConsume(
          oid,
          true,
          (tag, delivery) -> onReply(delivery.getProperties(), delivery.getBody()),
          tag -> AmqpBroker.LOG.warn("RabbitMQ deleted the rpc:// reply queue {}", oid));
      replies = channel;
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException(
          "cannot declare the rpc:// reply queue '" + oid + "': " + Amqp.replyText(e), e);
    }
  }

  private void onReply(AMQP.BasicProperties props, byte[] body) {
    try {
      JsonNode node = CeleryJson.parse(body);
      if (node.isObject() && !node.hasNonNull("task_id") && props.getCorrelationId() != null) {
        ((ObjectNode) node).put("task_id", props.getCorrelationId());
      }
      record(ResultMeta.fromJson(node));
    } catch (RuntimeException e) {
      AmqpBroker.LOG.warn(
          "dropping an unreadable rpc:// reply (correlation_id {}): {}",
          props.getCorrelationId(),
          e.getMessage());
    }
  }

  @Override
  public void forget(String taskId) {
    latest.remove(taskId);
  }

  @Override
  public void saveGroup(String groupId, JsonNode resultTuple) {
    groups.put(groupId, resultTuple);
  }

  @Override
  public Optional<JsonNode> restoreGroup(String groupId) {
    return Optional.ofNullable(groups.get(groupId));
  }

  @Override
  public void forgetGroup(String groupId) {
    groups.remove(groupId);
  }

  @Override
  public void chordSetSize(String groupId, int size) {
    throw new UnsupportedOperationException(NO_CHORDS);
  }

  @Override
  public void chordAddTasks(String groupId, int count) {
    throw new UnsupportedOperationException(NO_CHORDS);
  }

  @Override
  public Optional<List<ChordPart>> chordPartDone(String groupId, int groupIndex, ChordPart part) {
    throw new UnsupportedOperationException(NO_CHORDS);
  }

  @Override
  public void markRevoked(String taskId, Duration keepFor) {
    revoked.put(taskId, Instant.now().plus(keepFor));
  }

  @Override
  public Set<String> revokedIds() {
    Instant now = Instant.now();
    revoked.values().removeIf(until -> until.isBefore(now));
    return revoked.keySet().stream().collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public String describe() {
    return "rpc:// (replies over " + url.masked() + ")";
  }

  @Override
  public void close() {
    publisher.close();
    waiters.values().forEach(f -> f.cancel(false));
    if (connection.isOpen()) {
      try {
        connection.close(5000);
      } catch (IOException | AlreadyClosedException e) {
        AmqpBroker.LOG.debug("closing the rpc:// connection failed", e);
      }
    }
  }
}
