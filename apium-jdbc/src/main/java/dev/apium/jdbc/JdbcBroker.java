package dev.apium.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Settings;
import dev.apium.spi.Subscription;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite / PostgreSQL broker: messages are rows, a claim is one {@code UPDATE ... RETURNING}
 * (with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL), and a claim older than {@code
 * visibility_timeout} becomes ready again, as kombu's Redis transport restores unacked messages.
 * Named exchanges route through the bindings table (direct match). Shared by every thread of a
 * process. {@link #close()} stops consumers and fan-out listeners, returns this instance's
 * claimed-but-unsettled rows to their queues, and closes the connections.
 */
final class JdbcBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(JdbcBroker.class);
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  final Database db;
  final Notifier notifier;
  final String messagesChannel;
  private final MessageStore store;
  private final FanoutChannel fanout;
  private final Clock clock;
  private final long visibilityMs;
  private final long restoreEveryNanos;
  private final String owner;
  private final AtomicLong nextRestore = new AtomicLong(System.nanoTime());
  private final long lostMs;
  private final long beatEveryNanos;
  private final AtomicLong nextBeat = new AtomicLong(System.nanoTime());

  /** 0 at start (no outage seen), -1 after a failed beat, then the time beats succeed again. */
  private volatile long healthySince = 0;

  private final Set<JdbcConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final JdbcDeadLetters deadLetters;
  private volatile boolean closed;
  private volatile boolean givenUp;

  JdbcBroker(Database db, Settings config, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.notifier = Notifier.forDatabase(db);
    this.messagesChannel = db.location.channel("messages");
    this.store = new MessageStore(db.location);
    this.fanout =
        db.location.isSqlite()
            ? new TableFanout(db, notifier, clock)
            : new NotifyFanout(db, notifier, clock);
    Duration visibility = config.getSeconds(Settings.VISIBILITY_TIMEOUT, Duration.ofHours(1));
    this.visibilityMs = Math.max(1, visibility.toMillis());
    this.restoreEveryNanos =
        Duration.ofMillis(Math.min(30_000, Math.max(100, visibilityMs / 10))).toNanos();
    this.deadLetters =
        new JdbcDeadLetters(
            this,
            db.location,
            Long.parseLong(config.get(Settings.DEAD_LETTER_MAX, "10000")),
            config.getSeconds(Settings.DEAD_LETTER_TTL, Duration.ofDays(7)).toMillis());
    this.lostMs =
        config.getSeconds(Settings.WORKER_LOST_TIMEOUT, Duration.ofSeconds(30)).toMillis();
    this.beatEveryNanos = Duration.ofMillis(Math.max(100, Math.min(5_000, lostMs / 10))).toNanos();
    this.owner =
        ProcessHandle.current().pid()
            + "@"
            + host()
            + "/"
            + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public void publish(String exchange, String routingKey, WireMessage message) {
    checkOpen();
    long now = clock.millis();
    if (exchange == null || exchange.isEmpty()) {
      db.call(
          c -> {
            store.insert(c, List.of(routingKey), "", routingKey, message, now);
            wakeLocal(c, routingKey);
            return null;
          });
      return;
    }
    db.transaction(
        c -> {
          List<String> queues = store.lookup(c, exchange, routingKey);
          if (queues.isEmpty()) {
            throw new BrokerException(
                "no queue is bound to exchange '"
                    + exchange
                    + "' with routing key '"
                    + routingKey
                    + "' in "
                    + describe()
                    + ": declare the queue or bind it before publishing");
          }
          store.insert(c, queues, exchange, routingKey, message, now);
          for (String queue : queues) {
            wakeLocal(c, queue);
          }
          return null;
        });
  }

  /** SQLite: wakes this process's consumers (PostgreSQL inserts NOTIFY by themselves). */
  private void wakeLocal(java.sql.Connection c, String queue) throws java.sql.SQLException {
    if (!notifier.crossProcess()) {
      notifier.send(c, messagesChannel, queue);
    }
  }

  @Override
  public Subscription consume(List<String> queues, int prefetch, Consumer<Delivery> handler) {
    checkOpen();
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("consume needs at least one queue");
    }
    queues.forEach(this::declareQueue);
    JdbcConsumer consumer = new JdbcConsumer(this, queues, prefetch, handler);
    consumers.add(consumer);
    return consumer;
  }

  @Override
  public void declareQueue(String queue) {
    if (declared.add(queue)) {
      bindQueue(queue, queue, queue);
    }
  }

  @Override
  public void bindQueue(String queue, String exchange, String routingKey) {
    checkOpen();
    db.call(
        c -> {
          store.bind(c, exchange, routingKey, queue);
          return null;
        });
  }

  @Override
  public long purge(String queue) {
    checkOpen();
    return db.call(c -> store.purge(c, queue));
  }

  @Override
  public long size(String queue) {
    checkOpen();
    return db.call(c -> store.size(c, queue));
  }

  @Override
  public void publishFanout(String exchange, String routingKey, WireMessage message) {
    checkOpen();
    fanout.publish(exchange, routingKey, message);
  }

  @Override
  public Subscription subscribeFanout(
      String exchange, String bindingKey, Consumer<WireMessage> listener) {
    checkOpen();
    return fanout.subscribe(exchange, bindingKey, listener);
  }

  @Override
  public java.util.Optional<dev.apium.spi.DeadLetters> deadLetters() {
    return java.util.Optional.of(deadLetters);
  }

  @Override
  public String describe() {
    return db.describe();
  }

  List<MessageStore.Row> claim(String queue, int limit) {
    return db.relaxed(c -> store.claim(c, queue, limit, owner, clock.millis()));
  }

  WireMessage decode(MessageStore.Row row) {
    return new WireMessage(
        CeleryJson.MAPPER.convertValue(CeleryJson.parse(row.headers()), MAP),
        CeleryJson.MAPPER.convertValue(CeleryJson.parse(row.properties()), MAP),
        row.contentType(),
        row.contentEncoding(),
        row.body());
  }

  /**
   * Runs the liveness beat and the visibility restore when their intervals have passed (one caller
   * per interval). Called by every consumer's loop, so a consuming process keeps its record fresh.
   */
  void restoreIfDue() {
    beatIfDue();
    long now = System.nanoTime();
    long due = nextRestore.get();
    if (now - due < 0 || !nextRestore.compareAndSet(due, now + restoreEveryNanos)) {
      return;
    }
    restoreExpired();
  }

  /**
   * Refreshes this instance's liveness record and, once it has been healthy for a whole {@code
   * worker_lost_timeout} (an outage silences everybody, so nobody is judged on it), makes the rows
   * of owners silent for longer ready again: a killed worker's tasks come back within seconds of
   * the timeout instead of the visibility timeout.
   */
  private void beatIfDue() {
    long now = System.nanoTime();
    long due = nextBeat.get();
    if (now - due < 0 || !nextBeat.compareAndSet(due, now + beatEveryNanos)) {
      return;
    }
    long wall = clock.millis();
    try {
      db.relaxed(
          c -> {
            store.seen(c, owner, wall);
            return null;
          });
      givenUp = false; // the database answers again: a later close gives back as usual
      if (healthySince < 0) {
        healthySince = wall;
      }
      if (wall - healthySince >= lostMs) {
        reclaimSilent(wall - lostMs);
      }
    } catch (BrokerException e) {
      healthySince = -1;
      log.debug("liveness beat on {} failed, will retry: {}", describe(), e.getMessage());
    }
  }

  /** Gives back the rows of owners last seen before {@code seenBefore}; returns how many. */
  int reclaimSilent(long seenBefore) {
    int reclaimed =
        db.transaction(
            c -> {
              int n = store.reclaimSilent(c, seenBefore);
              if (n > 0) {
                notifier.send(c, messagesChannel, "");
              }
              return n;
            });
    if (reclaimed > 0) {
      log.warn(
          "gave back {} message(s) held by worker(s) silent for over {} s on {}",
          reclaimed,
          lostMs / 1000,
          describe());
    }
    return reclaimed;
  }

  /** Makes claims older than the visibility timeout ready again; returns how many. */
  int restoreExpired() {
    int dropped = deadLetters.trim(clock.millis());
    if (dropped > 0) {
      log.info("dropped {} dead letter(s) past dead_letter_max or dead_letter_ttl", dropped);
    }
    int restored = db.relaxed(c -> store.restoreExpired(c, clock.millis() - visibilityMs));
    if (restored > 0) {
      log.info(
          "restored {} message(s) unacknowledged for {} ms on {}",
          restored,
          visibilityMs,
          describe());
    }
    return restored;
  }

  void settleAck(MessageStore.Row row) {
    settle(() -> db.relaxed(c -> store.ack(c, row.id(), row.deliveries())));
  }

  void settleRequeue(MessageStore.Row row) {
    settle(
        () ->
            db.relaxed(
                c -> {
                  store.requeue(c, row.id(), row.deliveries(), clock.millis());
                  notifier.send(c, messagesChannel, row.queue());
                  return null;
                }));
  }

  /**
   * A prefetched row handed back by a stopping worker (its consumer closed): requeued while the
   * database answers; after the first failure, or while the notifier knows the database is down,
   * left owned by this broker, whose close returns it or, with the database still down, the
   * liveness reaper of the next worker. A stop during an outage thus waits one connection timeout
   * at most, not one per message.
   */
  void requeueOnStop(MessageStore.Row row) {
    if (!givingBackOnClose()) {
      return;
    }
    try {
      settleRequeue(row);
    } catch (BrokerException e) {
      giveBackFailed("requeue message " + row.id(), e);
    }
  }

  private boolean givingBackOnClose() {
    return !givenUp && notifier.connected();
  }

  private void giveBackFailed(String what, BrokerException e) {
    if (!givenUp) {
      givenUp = true;
      log.warn(
          "could not {} while stopping ({}); what this worker still holds stays claimed by it"
              + " until the next worker's liveness reaper returns it",
          what,
          e.getMessage());
    }
  }

  void settleDead(MessageStore.Row row, String reason) {
    settle(() -> db.relaxed(c -> store.deadLetter(c, row.id(), row.deliveries(), reason)));
  }

  java.time.Instant now() {
    return clock.instant();
  }

  void defer(MessageStore.Row row, java.time.Instant eta) {
    db.relaxed(c -> store.defer(c, row.id(), row.deliveries(), eta.toEpochMilli()));
  }

  void keepAlive(MessageStore.Row row) {
    settle(() -> db.relaxed(c -> store.keepAlive(c, row.id(), row.deliveries(), clock.millis())));
  }

  private void settle(Runnable action) {
    if (closed) {
      log.debug("ignoring settlement after close of {}", describe());
      return;
    }
    try {
      action.run();
    } catch (BrokerException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  void forget(JdbcConsumer consumer) {
    consumers.remove(consumer);
  }

  private void checkOpen() {
    if (closed) {
      throw new BrokerException("broker " + describe() + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    List.copyOf(consumers).forEach(JdbcConsumer::close);
    fanout.close();
    closed = true;
    if (!givingBackOnClose()) {
      log.warn(
          "{} could not be reached while closing: the messages this worker holds stay claimed by"
              + " it until the next worker's liveness reaper returns them",
          describe());
      notifier.close();
      db.close();
      return;
    }
    try {
      int returned =
          db.call(
              c -> {
                int n = store.returnOwned(c, owner);
                store.forgetOwner(c, owner);
                if (n > 0) {
                  notifier.send(c, messagesChannel, "");
                }
                return n;
              });
      if (returned > 0) {
        log.info(
            "returned {} unacknowledged message(s) to their queues on {}", returned, describe());
      }
    } catch (BrokerException e) {
      log.warn("could not return unacknowledged messages on close: {}", e.getMessage());
    } finally {
      notifier.close();
      db.close();
    }
  }
}
