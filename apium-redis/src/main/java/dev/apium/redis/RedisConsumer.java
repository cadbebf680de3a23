package dev.apium.redis;

import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code consume(queues, prefetch)}: a thread that pops with {@code pop.lua} (RPOP in priority
 * order and the {@code unacked} bookkeeping in one atomic script) and hands deliveries to the
 * handler, never more than {@code prefetch} outstanding; while the queues are busy one pop is in
 * flight while the previous one's messages are dispatched. When every list is empty it waits on its
 * own connection with {@code BLMOVE q landing RIGHT LEFT}, where {@code landing} is this consumer's
 * own list ({@link RedisKeys#landing}): the blocked command itself delivers the message, which is
 * handed to the handler at once while {@code hold.lua}, sent in order on the broker's shared
 * connection (the one that later carries the ack), moves it from the landing list into {@code
 * unacked} under a fresh tag. So an idle wake-up is one round trip, and no message is ever off a
 * list without being in {@code unacked} or a landing list, whatever crashes when: a landing list is
 * given back when its consumer closes, when a hold failed, or when the liveness reaper finds the
 * consumer dead. Close stops the thread, gives back what landed, and closes its connection;
 * deliveries already handed out stay the handler's.
 *
 * <p>BLMOVE watches one list at a time, so the watch rotates over the queues' plain lists (where
 * priorities 0-2 land) with a 0.5 s timeout (0.2 s with several queues); a message on a priority
 * list or an unwatched queue is picked up by the pop after that timeout at the latest.
 */
final class RedisConsumer implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConsumer.class);
  private static final int MAX_BATCH = 64;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final RedisBroker broker;
  private final List<String> queues;
  private final Consumer<Delivery> handler;
  private final StatefulRedisConnection<String, String> blocking;
  private final BlockingRedis waits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private volatile int prefetch;
  private volatile boolean running = true;
  private volatile boolean landingSuspect;
  private final String tagPrefix;
  private final String landing;
  private int outstanding;
  private int watch;
  private long nextTag;

  /** The pop sent while the previous batch was dispatched (consumer thread only). */
  private Pop ahead;

  RedisConsumer(
      RedisBroker broker, List<String> queues, int prefetch, Consumer<Delivery> handler, int n) {
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("consume needs at least one queue");
    }
    this.broker = broker;
    this.queues = new ArrayList<>(queues);
    this.handler = handler;
    this.prefetch = Math.max(1, prefetch);
    this.tagPrefix = newTagPrefix();
    this.landing = broker.keys().landing(tagPrefix);
    this.blocking = broker.connector().connect();
    this.waits = new BlockingRedis(blocking);
    this.thread = Threads.daemon("apium-redis-consumer-" + n, this::loop);
  }

  /**
   * 16 random hex digits and a dot: a consumer's delivery tags are this prefix and a counter,
   * unique without a UUID per message, and never a UUID4 like the envelope tags kombu holds
   * messages under.
   */
  static String newTagPrefix() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes) + ".";
  }

  /** The prefix of every delivery tag this consumer hands out. */
  String tagPrefix() {
    return tagPrefix;
  }

  void start() {
    thread.start();
  }

  @Override
  public void setPrefetch(int value) {
    lock.lock();
    try {
      prefetch = Math.max(1, value);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void released() {
    lock.lock();
    try {
      outstanding--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Prefetch room left once {@code batch} more messages are outstanding (never waits). */
  private int roomBeside(int batch) {
    lock.lock();
    try {
      return prefetch - outstanding - batch;
    } finally {
      lock.unlock();
    }
  }

  private int freeSlots() throws InterruptedException {
    lock.lock();
    try {
      while (running && outstanding >= prefetch) {
        changed.await(1, TimeUnit.SECONDS);
      }
      return prefetch - outstanding;
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    boolean failing = false;
    while (running) {
      try {
        Pop pop = ahead;
        ahead = null;
        if (pop == null) {
          int free = freeSlots();
          if (!running) {
            break;
          }
          if (landingSuspect) {
            giveBackLanded();
          }
          pop = sendPop(Math.min(free, MAX_BATCH));
        }
        int popped = receiveAndDispatch(pop);
        if (popped == 0) {
          waitForMessage();
        }
        if (failing) {
          LOG.info("consumer of {} resumed on Redis at {}", queues, broker.connector().where());
          failing = false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
        break;
      } catch (RedisException e) {
        if (!running) {
          break;
        }
        if (!failing) {
          LOG.warn(
              "consumer of {} lost Redis at {} ({}); retrying",
              queues,
              broker.connector().where(),
              e.getMessage());
          failing = true;
        }
        pause();
      } catch (RuntimeException e) {
        if (!running) {
          break; // close() cancelled the blocked wait (CancellationException): the end, not an
          // error
        }
        LOG.error("consumer of {} hit an unexpected error; continuing", queues, e);
        pause();
      }
    }
    giveBackAhead();
  }

  /**
   * A pop sent ahead when the loop stopped: read as any pop, which with the consumer closed gives
   * each message back to the front of its queue (if Redis cannot be reached now, they stay in
   * {@code unacked} for the liveness reaper).
   */
  private void giveBackAhead() {
    Pop pop = ahead;
    ahead = null;
    if (pop == null || !broker.givingBackOnClose()) {
      return; // with Redis down, what it popped stays in unacked for the liveness reaper
    }
    try {
      receiveAndDispatch(pop);
    } catch (RedisException | CancellationException e) {
      LOG.warn(
          "could not give back what the consumer of {} popped last ({}); the liveness reaper"
              + " gives it back later",
          queues,
          e.getMessage());
    }
  }

  private void pause() {
    lock.lock();
    try {
      if (running) {
        changed.await(500, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until a message arrives on the watched queue and moves it into the landing list; the
   * reply is the message, which is held and dispatched at once. When the wait times out, the
   * landing list is checked: a BLMOVE whose reply a dropped connection lost (Lettuce replays it
   * after the reconnect) may have left a message there that nobody holds.
   */
  private void waitForMessage() {
    String queue = queues.get(watch % queues.size());
    String key = broker.keys().queue(queue, 0);
    watch++;
    double timeout = queues.size() == 1 ? 0.5 : 0.2;
    String raw = waits.blmove(key, landing, LMoveArgs.Builder.rightLeft(), timeout);
    if (raw != null) {
      landed(queue, raw);
    } else {
      giveBackLanded();
    }
  }

  /**
   * A message the blocking wait moved into the landing list: {@code hold.lua} is sent (not awaited)
   * to move it into {@code unacked} under a fresh tag, and the delivery goes to the handler at
   * once. Its settlement is written on the same connection after the hold, so it always finds the
   * entry; a hold that fails leaves the message landed, and the next loop gives it back to its
   * queue.
   */
  private void landed(String queue, String raw) {
    if (!running) {
      giveBackLanded();
      return;
    }
    WireMessage message;
    try {
      message = Envelopes.read(raw);
    } catch (MalformedMessageException e) {
      LOG.warn(
          "malformed message in queue {}: {}; moved to {}",
          queue,
          e.getMessage(),
          broker.keys().dead());
      broker.ledger().unlandDead(landing, raw, e.getMessage(), queue);
      return;
    }
    String[] route = route(message, queue);
    String tag = tagPrefix + nextTag++;
    broker
        .ledger()
        .holdLanded(landing, tag, raw, route[0], route[1])
        .whenComplete(
            (held, error) -> {
              if (error != null) {
                landingSuspect = true;
                LOG.warn(
                    "could not hold message {} from {} in unacked ({}); it is given back to its"
                        + " queue and may run twice",
                    tag,
                    queue,
                    error.getMessage());
              }
            });
    deliver(queue, tag, raw, message, route);
  }

  /** Gives back what the landing list still holds (a hold failed, an idle timeout, closing). */
  private void giveBackLanded() {
    landingSuspect = false;
    try {
      int count = broker.ledger().unland(landing);
      if (count > 0) {
        LOG.info("gave back {} message(s) taken by the blocking wait but never held", count);
      }
    } catch (RedisException e) {
      landingSuspect = true;
      throw e;
    }
  }

  /**
   * A pop sent and not yet read: how many messages it may take, the queue order its reply's indexes
   * refer to, and the reply.
   */
  private record Pop(int max, List<String> order, LuaScripts.Sent<List<Object>> reply) {}

  /** Sends {@code pop.lua} for at most {@code max} messages, reserving their tags. */
  private Pop sendPop(int max) {
    int q = queues.size();
    String[] keys = new String[3 + 4 * q];
    keys[0] = broker.keys().unacked();
    keys[1] = broker.keys().unackedIndex();
    keys[2] = broker.keys().dead();
    for (int s = 0; s < 4; s++) {
      for (int i = 0; i < q; i++) {
        keys[3 + s * q + i] = broker.keys().queue(queues.get(i), RedisKeys.STEPS[s]);
      }
    }
    String[] args = new String[5 + q];
    args[0] = UnackedLedger.score(UnackedLedger.now());
    args[1] = Integer.toString(max);
    args[2] = Integer.toString(q);
    for (int i = 0; i < q; i++) {
      args[3 + i] = queues.get(i);
    }
    args[3 + q] = tagPrefix;
    args[4 + q] = Long.toString(nextTag);
    nextTag += max;
    return new Pop(
        max,
        List.copyOf(queues),
        LuaScripts.POP.send(broker.commands(), ScriptOutputType.MULTI, keys, args));
  }

  /**
   * Reads a pop's reply and hands its messages to the handler. A full reply means the queues hold
   * more: the next pop is sent first (if prefetch leaves room beside this batch), so Redis works on
   * it while this thread reads and dispatches these, instead of each round trip waiting for the
   * dispatch before it and the dispatch for the round trip.
   */
  private int receiveAndDispatch(Pop pop) {
    List<Object> out = pop.reply().await();
    List<String> order = pop.order();
    int count = out.size() / 4;
    if (count == pop.max() && running) {
      int room = roomBeside(count);
      if (room > 0) {
        ahead = sendPop(Math.min(room, MAX_BATCH));
      }
    }
    for (int i = 0; i + 3 < out.size(); i += 4) {
      boolean ok = ((Number) out.get(i)).intValue() == 1;
      String queue = order.get(((Number) out.get(i + 1)).intValue() - 1);
      String tagOrReason = (String) out.get(i + 2);
      String raw = (String) out.get(i + 3);
      queues.remove(queue);
      queues.add(queue);
      if (!ok) {
        LOG.warn(
            "malformed message in queue {} ({}); moved to {}",
            queue,
            tagOrReason,
            broker.keys().dead());
        continue;
      }
      if (running) {
        dispatch(queue, tagOrReason, raw);
      } else {
        // closed while popping: the message goes back to the front of its queue, not to a handler
        broker.ledger().restoreHeld(tagOrReason, raw, false, queue);
      }
    }
    return count;
  }

  private void dispatch(String queue, String tag, String raw) {
    WireMessage message;
    try {
      message = Envelopes.read(raw);
    } catch (MalformedMessageException e) {
      LOG.warn(
          "malformed message in queue {} (delivery tag {}): {}; moved to {}",
          queue,
          tag,
          e.getMessage(),
          broker.keys().dead());
      broker.ledger().deadLetterHeld(tag, Envelopes.deadRecord(e.getMessage(), queue, tag, raw));
      return;
    }
    deliver(queue, tag, raw, message, route(message, queue));
  }

  /** The exchange and routing key of the unacked entry: delivery_info's, else "" and the queue. */
  private static String[] route(WireMessage message, String queue) {
    String[] route = {"", queue};
    if (message.property("delivery_info") instanceof java.util.Map<?, ?> map) {
      if (map.get("exchange") instanceof String ex) {
        route[0] = ex;
      }
      if (map.get("routing_key") instanceof String rk) {
        route[1] = rk;
      }
    }
    return route;
  }

  private void deliver(String queue, String tag, String raw, WireMessage message, String[] route) {
    RedisDelivery delivery =
        new RedisDelivery(broker, this, tag, queue, route[0], route[1], raw, message);
    lock.lock();
    try {
      outstanding++;
    } finally {
      lock.unlock();
    }
    broker.hold(delivery);
    try {
      handler.accept(delivery);
    } catch (RuntimeException e) {
      LOG.error("handler failed on message {} from {}", tag, queue, e);
      delivery.deadLetter("consumer handler failed: " + e);
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      running = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    blocking.closeAsync();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (broker.givingBackOnClose()) {
      try {
        giveBackLanded();
      } catch (RedisException e) {
        broker.giveBackFailed("give back what " + landing + " holds", e);
      }
    }
    broker.consumerClosed(this);
  }

  /** Whether {@link #close()} was called (or the consuming thread stopped). */
  boolean closed() {
    return !running;
  }

  /** Stops without waiting or restoring anything, as a killed process would (tests). */
  void abandon() {
    running = false;
    blocking.closeAsync();
  }
}
