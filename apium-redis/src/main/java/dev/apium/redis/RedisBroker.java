package dev.apium.redis;

import dev.apium.protocol.RedisPublishBatch;
import dev.apium.protocol.Uuid4;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Settings;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis broker in kombu's layout, byte for byte, so Celery workers and clients share its
 * queues. Connections are bounded whatever the number of threads: one shared command connection
 * (publish, pop, ack, restore; all multi-key steps are Lua scripts, never MULTI on a shared
 * connection), one blocking connection per {@link #consume} subscription, one pub/sub connection
 * for fan-out. Lettuce reconnects by itself; consumers log the outage once and resume.
 *
 * <p>Reliable delivery: a message leaves its list only inside {@code pop.lua}, which writes the
 * {@code unacked} entry ({@code [envelope, exchange, routing_key]}) and its {@code unacked_index}
 * score in the same atomic step, or by an idle consumer's {@code BLMOVE q landing RIGHT LEFT} onto
 * its own landing list, from which {@code hold.lua} moves it into {@code unacked} (see {@link
 * RedisConsumer}); never by BRPOP, so neither a crash nor a lost reply can lose a message between
 * pop and bookkeeping. Entries older than {@code visibility_timeout} are restored under {@code
 * unacked_mutex} when the first consumer starts and then every half timeout (at most every minute);
 * {@link Delivery#keepAlive()} refreshes an entry's score so a held ETA task is not restored while
 * its holder lives. Every pop holds its message under a fresh tag (a random per-consumer prefix and
 * a counter, not the envelope's {@code delivery_tag}), so a message restored and popped again never
 * shares a tag with its old holder: ack is kombu's plain {@code ZREM unacked_index} + {@code HDEL
 * unacked} by tag, batched and written asynchronously by an {@link AckBatcher} (an ack that is
 * never written leaves the message to be redelivered after the visibility timeout); requeue (LPUSH,
 * the back), restore (RPUSH, delivered next, with {@code redelivered} flags) and dead-letter are
 * synchronous scripts that act only while the tag is still there. Stale entries are restored
 * compare-and-set on the entry read. Dead letters go to the list {@code apium.dead} (behind {@code
 * global_keyprefix}), one JSON record {@code {reason, queue, delivery_tag, dead_at, raw}} each.
 *
 * <p>Thread-safe; {@link #close()} stops consumers, writes the acks still queued, restores every
 * delivery still held to the consuming end of its queue, then closes the connections.
 */
public final class RedisBroker implements Broker {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
  private static final AtomicInteger CONSUMERS = new AtomicInteger();

  private final RedisConnector connector;
  private final StatefulRedisConnection<String, String> connection;
  private final BlockingRedis blocking;
  private final RedisKeys keys;
  private final UnackedLedger ledger;
  private final FanoutHub fanout;
  private final Duration visibility;
  private final ConsumerLiveness liveness;
  private volatile boolean givenUp;
  private final RedisDeadLetters deadLetters;
  private final Map<RedisDelivery, Boolean> held = new ConcurrentHashMap<>();
  private final List<RedisConsumer> consumers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private volatile AckBatcher acks;
  private volatile boolean restoring;
  private volatile boolean closed;

  /** Connects now, so an unreachable Redis is reported at start, naming host and port. */
  public RedisBroker(String url, Settings config) {
    this.connector =
        new RedisConnector(
            RedisTlsSettings.apply(url, config, RedisTlsSettings.BROKER),
            Settings.BROKER_URL,
            config.getSeconds(RedisSettings.SOCKET_TIMEOUT, RedisConnector.COMMAND_TIMEOUT),
            TransportOptions.read(config::get, TransportOptions.BROKER));
    try {
      this.connection = connector.connect();
    } catch (BrokerException e) {
      connector.close();
      throw e;
    }
    this.blocking = new BlockingRedis(connection);
    this.keys = new RedisKeys(config.get(RedisSettings.GLOBAL_KEYPREFIX, ""), connector.database());
    this.visibility = config.getSeconds(Settings.VISIBILITY_TIMEOUT, Duration.ofHours(1));
    this.ledger = new UnackedLedger(connection, keys, visibility);
    this.deadLetters =
        new RedisDeadLetters(
            this,
            Long.parseLong(config.get(Settings.DEAD_LETTER_MAX, "10000")),
            config.getSeconds(Settings.DEAD_LETTER_TTL, Duration.ofDays(7)).toSeconds());
    this.liveness =
        new ConsumerLiveness(
            this, config.getSeconds(Settings.WORKER_LOST_TIMEOUT, Duration.ofSeconds(30)));
    this.fanout =
        new FanoutHub(
            connector,
            keys,
            (reason, raw) ->
                connection
                    .async()
                    .lpush(keys.dead(), Envelopes.deadRecord(reason, null, null, raw)));
    this.timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-redis-restore"));
  }

  @Override
  public void publish(String exchange, String routingKey, WireMessage message) {
    Set<String> queues = run("route", () -> ledger.lookup(exchange, routingKey, null));
    if (queues.isEmpty()) {
      LOG.warn(
          "message to exchange '{}' with routing key '{}' dropped: no queue is bound to it",
          exchange,
          routingKey);
      return;
    }
    byte[] envelope = Envelopes.writeUtf8(message, exchange, routingKey);
    Object priority = message.property("priority");
    List<RedisFuture<Long>> pushes = new ArrayList<>();
    for (String queue : queues) {
      pushes.add(lpush(keys.queue(queue, priority), List.of(envelope)));
    }
    String what =
        queues.size() == 1
            ? "publish to " + queues.iterator().next()
            : "publish to exchange " + exchange;
    for (RedisFuture<Long> push : pushes) {
      run(what, () -> await(push));
    }
  }

  /**
   * Pipelined publish to a queue (the anonymous exchange): the LPUSH is written and the future
   * completes on Redis's reply, or fails with a {@link dev.apium.spi.BrokerException} naming the
   * server (also when no reply comes within the command timeout). Named exchanges, whose bindings
   * are looked up first, publish synchronously.
   */
  @Override
  public CompletableFuture<Void> publishAsync(
      String exchange, String routingKey, WireMessage message) {
    if (!exchange.isEmpty() || routingKey.isEmpty()) {
      return Broker.super.publishAsync(exchange, routingKey, message);
    }
    byte[] envelope = Envelopes.writeUtf8(message, exchange, routingKey);
    String list = keys.queue(routingKey, message.property("priority"));
    return connector.replied("publish to " + routingKey, () -> lpush(list, List.of(envelope)));
  }

  /**
   * LPUSH of envelopes as the UTF-8 bytes they were written as: Lettuce copies them into its buffer
   * as they are (a String value would be encoded again, a character at a time, on the event loop).
   */
  private RedisFuture<Long> lpush(String list, List<byte[]> envelopes) {
    CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).addKey(list);
    for (byte[] envelope : envelopes) {
      args.add(envelope);
    }
    AsyncCommand<String, String, Long> push =
        new AsyncCommand<>(
            new Command<>(CommandType.LPUSH, new IntegerOutput<>(StringCodec.UTF8), args));
    connection.dispatch(push);
    return push;
  }

  /**
   * One variadic LPUSH per list (queue and priority) for the whole batch, all sent before any reply
   * is awaited: one round trip instead of one per message. Order within a list is kept.
   */
  @Override
  public void publishAll(String exchange, String routingKey, List<WireMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    Set<String> queues = run("route", () -> ledger.lookup(exchange, routingKey, null));
    if (queues.isEmpty()) {
      LOG.warn(
          "{} message(s) to exchange '{}' with routing key '{}' dropped: no queue is bound to it",
          messages.size(),
          exchange,
          routingKey);
      return;
    }
    Map<String, List<byte[]>> byList = new LinkedHashMap<>();
    for (WireMessage message : messages) {
      byte[] envelope = Envelopes.writeUtf8(message, exchange, routingKey);
      Object priority = message.property("priority");
      for (String queue : queues) {
        byList.computeIfAbsent(keys.queue(queue, priority), k -> new ArrayList<>()).add(envelope);
      }
    }
    List<RedisFuture<Long>> pushes = new ArrayList<>();
    byList.forEach((list, envelopes) -> pushes.add(lpush(list, envelopes)));
    for (RedisFuture<Long> push : pushes) {
      run("publish batch to exchange '" + exchange + "'", () -> await(push));
    }
  }

  @Override
  public Subscription consume(List<String> queues, int prefetch, Consumer<Delivery> handler) {
    checkOpen();
    RedisConsumer consumer =
        new RedisConsumer(this, queues, prefetch, handler, CONSUMERS.incrementAndGet());
    consumers.add(consumer);
    startAcking();
    startRestoring();
    liveness.register(consumer.tagPrefix());
    consumer.start();
    return consumer;
  }

  private synchronized void startAcking() {
    if (acks == null) {
      acks = new AckBatcher(ledger::ack, connector.where());
    }
  }

  private synchronized void startRestoring() {
    if (restoring) {
      return;
    }
    restoring = true;
    long period = Math.max(500, Math.min(60_000, visibility.toMillis() / 2));
    timer.scheduleWithFixedDelay(this::restoreStale, 0, period, TimeUnit.MILLISECONDS);
    long beat = liveness.period().toMillis();
    timer.scheduleWithFixedDelay(liveness::tick, beat, beat, TimeUnit.MILLISECONDS);
  }

  /** Restores entries past the visibility timeout now; returns how many (tests, tools). */
  int restoreStale() {
    try {
      long dropped = deadLetters.trim();
      if (dropped > 0) {
        LOG.info("dropped {} dead letter(s) past dead_letter_max or dead_letter_ttl", dropped);
      }
      return ledger.restoreStale();
    } catch (RedisException e) {
      LOG.warn("restore of stale unacked messages failed, will retry: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("restore of stale unacked messages failed, will retry", e);
    }
    return 0;
  }

  @Override
  public void declareQueue(String queue) {
    bindQueue(queue, queue, queue);
  }

  @Override
  public void bindQueue(String queue, String exchange, String routingKey) {
    run(
        "bind " + queue,
        () -> commands().sadd(keys.binding(exchange), RedisKeys.bindingMember(routingKey, queue)));
  }

  @Override
  public long purge(String queue) {
    List<String> lists = keys.queueSteps(queue);
    return run(
        "purge " + queue,
        () ->
            LuaScripts.PURGE.<Long>run(
                commands(), ScriptOutputType.INTEGER, lists.toArray(String[]::new)));
  }

  @Override
  public long size(String queue) {
    RedisAsyncCommands<String, String> async = connection.async();
    List<RedisFuture<Long>> lengths = new ArrayList<>();
    for (String key : keys.queueSteps(queue)) {
      lengths.add(async.llen(key));
    }
    long total = 0;
    for (RedisFuture<Long> length : lengths) {
      total += run("size of " + queue, () -> await(length));
    }
    return total;
  }

  /** LLEN of each of kombu's priority lists, keyed by step (0, 3, 6, 9), in one round trip. */
  @Override
  public java.util.SortedMap<Integer, Long> sizeByPriority(String queue) {
    RedisAsyncCommands<String, String> async = connection.async();
    List<RedisFuture<Long>> lengths = new ArrayList<>();
    for (String key : keys.queueSteps(queue)) {
      lengths.add(async.llen(key));
    }
    java.util.SortedMap<Integer, Long> out = new java.util.TreeMap<>();
    for (int i = 0; i < lengths.size(); i++) {
      RedisFuture<Long> length = lengths.get(i);
      out.put(RedisKeys.STEPS[i], run("size of " + queue, () -> await(length)));
    }
    return out;
  }

  @Override
  public void publishFanout(String exchange, String routingKey, WireMessage message) {
    publishFanoutAll(exchange, routingKey, List.of(message));
  }

  /** {@link #publishFanoutAllAsync}, awaited: one round trip for the lot. */
  @Override
  public void publishFanoutAll(String exchange, String routingKey, List<WireMessage> messages) {
    CompletableFuture<Void> replies =
        run("publish to " + exchange, () -> dispatchPublishes(exchange, routingKey, messages));
    run("publish to " + exchange, () -> await(replies));
  }

  @Override
  public CompletableFuture<Void> publishFanoutAllAsync(
      String exchange, String routingKey, List<WireMessage> messages) {
    return connector.replied(
        "publish to " + exchange, () -> dispatchPublishes(exchange, routingKey, messages));
  }

  /**
   * One PUBLISH per message, handed to the connection as one write (one event-loop task for the
   * lot); the future completes on the last reply, exceptionally if any failed. Envelopes go out as
   * the UTF-8 bytes they are written as (no string in between), all but the first of a run of like
   * messages from the previous one's fields ({@link RedisPublishBatch}).
   */
  private CompletableFuture<Void> dispatchPublishes(
      String exchange, String routingKey, List<WireMessage> messages) {
    byte[] channel = keys.channel(exchange, routingKey).getBytes(StandardCharsets.UTF_8);
    List<AsyncCommand<String, String, Long>> commands =
        publishCommands(channel, new RedisPublishBatch(exchange, routingKey), messages);
    connection.dispatch(commands);
    return AllReplies.of(commands);
  }

  /**
   * The PUBLISH commands of a round, each envelope with a UUID4 delivery tag like every other
   * publish (monitoring events too carry their body in base64, as Celery's do). A method of its
   * own, so that the JIT compiles this loop (the envelopes' encoding) apart from the connection's
   * write: compiled as one unit, the two made a method the JIT took 150-250 ms to compile and
   * compiled three times over while the events writer ran it in the interpreter.
   */
  private static List<AsyncCommand<String, String, Long>> publishCommands(
      byte[] channel, RedisPublishBatch envelopes, List<WireMessage> messages) {
    int count = messages.size();
    List<AsyncCommand<String, String, Long>> commands = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      commands.add(publishCommand(channel, envelopes.encode(messages.get(i), Uuid4.next())));
    }
    return commands;
  }

  /** PUBLISH with both arguments as bytes, so Lettuce copies them with no codec in between. */
  private static AsyncCommand<String, String, Long> publishCommand(byte[] channel, byte[] message) {
    return new AsyncCommand<>(
        new Command<>(
            CommandType.PUBLISH,
            new IntegerOutput<>(StringCodec.UTF8),
            new CommandArgs<>(StringCodec.UTF8).add(channel).add(message)));
  }

  @Override
  public Subscription subscribeFanout(
      String exchange, String bindingKey, Consumer<WireMessage> listener) {
    checkOpen();
    return run("subscribe to " + exchange, () -> fanout.subscribe(exchange, bindingKey, listener));
  }

  /** Cluster-wide rate limits: token buckets in this Redis ({@code rate_limit.lua}). */
  @Override
  public java.util.Optional<dev.apium.spi.RateLimitStore> rateLimitStore() {
    return java.util.Optional.of(new RedisRateLimitStore(this));
  }

  @Override
  public java.util.Optional<dev.apium.spi.DeadLetters> deadLetters() {
    return java.util.Optional.of(deadLetters);
  }

  @Override
  public String describe() {
    return "redis " + connector.describe();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    for (RedisConsumer consumer : consumers) {
      consumer.close();
    }
    int unwritten = closeAcks();
    int restored = 0;
    for (RedisDelivery delivery : List.copyOf(held.keySet())) {
      if (!givingBackOnClose()) {
        break;
      }
      try {
        delivery.restoreOnClose();
        restored++;
      } catch (RedisException e) {
        giveBackFailed("restore message " + delivery.deliveryTag(), e);
      }
    }
    if (restored > 0) {
      LOG.info("restored {} unacknowledged message(s)", restored);
    }
    if (givingBackOnClose()) {
      try {
        liveness.unregisterAll();
      } catch (RedisException e) {
        LOG.debug("could not remove this worker's liveness records: {}", e.getMessage());
      }
    } else if (!held.isEmpty() || unwritten > 0) {
      LOG.warn(
          "Redis at {} could not be reached while closing: {} prefetched message(s) and {} ack(s)"
              + " not written stay in unacked; the next worker on these queues gives them back once"
              + " this one's liveness record is {} s old (tasks whose ack was lost run again)",
          connector.where(),
          held.size(),
          unwritten,
          liveness.lostAfterSeconds());
    }
    fanout.close();
    connection.close();
    connector.close();
  }

  /** Writes the queued acks, or drops them when Redis is down; how many were not written. */
  private int closeAcks() {
    AckBatcher batcher = acks;
    if (batcher == null) {
      return 0;
    }
    int unwritten = givingBackOnClose() ? batcher.closeAndCount() : batcher.abandon();
    if (unwritten > 0) {
      givenUp = true;
    }
    return unwritten;
  }

  /**
   * Whether a closing consumer or this broker's close should still give back what it holds: not
   * once Redis is known down, nor after one give-back of this close failed (a server that hangs
   * looks connected), so that a worker stopping during an outage waits one command timeout at most,
   * not one per message. What is not given back stays in {@code unacked} under this broker's
   * liveness records, which are then left in place for the reaper of the next worker.
   */
  boolean givingBackOnClose() {
    return !givenUp && connector.reachable();
  }

  /**
   * Redis answered a later call (the liveness tick): a consumer closed during an outage (say by
   * {@code cancel_consumer}) no longer makes this broker's close skip its give-backs.
   */
  void redisAnswered() {
    givenUp = false;
  }

  /** A give-back during close failed: the rest are skipped ({@link #givingBackOnClose}). */
  void giveBackFailed(String what, RuntimeException e) {
    if (!givenUp) {
      givenUp = true;
      LOG.warn(
          "could not {} while closing ({}); what is left stays in unacked for the liveness reaper",
          what,
          e.getMessage());
    }
  }

  /** Drops everything without restoring, as {@code kill -9} would (tests). */
  void abandon() {
    closed = true;
    timer.shutdownNow();
    consumers.forEach(RedisConsumer::abandon);
    AckBatcher batcher = acks;
    if (batcher != null) {
      batcher.abandon();
    }
    fanout.close();
    connection.close();
    connector.close();
  }

  // package-private plumbing for consumers and deliveries

  RedisConnector connector() {
    return connector;
  }

  RedisKeys keys() {
    return keys;
  }

  UnackedLedger ledger() {
    return ledger;
  }

  /** The ack batcher; exists once the first {@link #consume} started, before any delivery. */
  AckBatcher acks() {
    return acks;
  }

  BlockingRedis commands() {
    return blocking;
  }

  void hold(RedisDelivery delivery) {
    held.put(delivery, Boolean.TRUE);
  }

  void forget(RedisDelivery delivery) {
    held.remove(delivery);
  }

  void consumerClosed(RedisConsumer consumer) {
    consumers.remove(consumer);
  }

  <T> T run(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RedisException e) {
      throw connector.failed(what, e);
    }
  }

  private static <T> T await(java.util.concurrent.Future<T> future) {
    try {
      return future.get(RedisConnector.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RedisException re ? re : new RedisException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RedisException("no reply within " + RedisConnector.COMMAND_TIMEOUT, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("broker " + describe() + " is closed");
    }
  }
}
