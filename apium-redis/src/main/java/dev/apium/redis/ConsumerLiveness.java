package dev.apium.redis;

import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScoredValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fast reclaim of a dead Apium worker's messages. Every Apium consumer holds its deliveries in
 * kombu's {@code unacked} hash under tags that start with its own random prefix; this class keeps
 * one liveness record per live consumer of this broker in the zset {@code apium.consumers} (prefix
 * → last seen, epoch seconds) and, on each tick, gives back to their queues the entries (and the
 * landing list) of every consumer whose record is older than {@code worker_lost_timeout}, under
 * kombu's {@code unacked_mutex} and compare-and-set per entry, so each entry is restored once
 * whatever number of workers reap at the same time. Entries of Python workers (kombu's UUID tags)
 * never match a prefix and keep Celery's visibility-timeout behaviour. A reaper that just regained
 * Redis after a failed tick waits one full timeout of healthy ticks before it reaps, so an outage
 * that silenced everybody does not make live workers look dead. Called on the broker's {@code
 * apium-redis-restore} timer thread; holds no thread of its own.
 */
final class ConsumerLiveness {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLiveness.class);

  private final RedisBroker broker;
  private final Duration lostAfter;
  private final Set<String> own = ConcurrentHashMap.newKeySet();

  /** 0 at start (no outage seen), -1 after a failed tick, then the time ticks succeed again. */
  private long healthySinceMillis = 0;

  ConsumerLiveness(RedisBroker broker, Duration lostAfter) {
    this.broker = broker;
    this.lostAfter = lostAfter;
  }

  /** How long a consumer's record may go unrefreshed before another broker reaps it. */
  long lostAfterSeconds() {
    return lostAfter.toSeconds();
  }

  /** How often {@link #tick()} should run: a tenth of the timeout, between 0.1 and 5 s. */
  Duration period() {
    return Duration.ofMillis(Math.max(100, Math.min(5_000, lostAfter.toMillis() / 10)));
  }

  /** Records a consumer that starts now (its first record is written before its first pop). */
  void register(String tagPrefix) {
    own.add(tagPrefix);
    broker.run(
        "register consumer",
        () -> broker.commands().zadd(broker.keys().consumers(), UnackedLedger.now(), tagPrefix));
  }

  /** Forgets this broker's consumers at a clean close (after their messages were given back). */
  void unregisterAll() {
    if (own.isEmpty()) {
      return;
    }
    broker.commands().zrem(broker.keys().consumers(), own.toArray(String[]::new));
    own.clear();
  }

  /** Refreshes this broker's records, then reaps the records of consumers silent too long. */
  void tick() {
    long now = System.currentTimeMillis();
    try {
      if (refresh()) {
        broker.redisAnswered();
      }
      if (healthySinceMillis < 0) {
        healthySinceMillis = now;
      }
      if (now - healthySinceMillis >= lostAfter.toMillis()) {
        reap();
      }
    } catch (RedisException | dev.apium.spi.BrokerException e) {
      healthySinceMillis = -1;
      LOG.debug("liveness tick failed, will retry: {}", e.getMessage());
    }
  }

  /** Writes this broker's records; false when it has none (nothing was sent). */
  private boolean refresh() {
    if (own.isEmpty()) {
      return false;
    }
    double now = UnackedLedger.now();
    List<ScoredValue<String>> records = new ArrayList<>(own.size());
    for (String prefix : own) {
      records.add(ScoredValue.just(now, prefix));
    }
    @SuppressWarnings("unchecked")
    long added =
        broker
            .commands()
            .zadd(broker.keys().consumers(), records.toArray(new ScoredValue[0]))
            .longValue();
    if (added > 0) {
      LOG.warn(
          "this worker was silent for over {} s and presumed dead: the messages it held were given"
              + " back to their queues, so tasks it still runs may run twice",
          lostAfter.toSeconds());
    }
    return true;
  }

  private void reap() {
    double threshold = UnackedLedger.now() - lostAfter.toMillis() / 1000.0;
    List<String> silent =
        new ArrayList<>(
            broker.commands().zrangebyscore(broker.keys().consumers(), Range.create(0, threshold)));
    silent.removeAll(own);
    if (silent.isEmpty()) {
      return;
    }
    Map<String, Integer> restored = broker.ledger().reclaim(silent);
    if (restored == null) {
      return; // another process holds unacked_mutex: the next tick tries again
    }
    restored.forEach(
        (prefix, count) -> {
          Double seen = broker.commands().zscore(broker.keys().consumers(), prefix);
          if (seen != null && seen <= threshold) {
            broker.commands().zrem(broker.keys().consumers(), prefix);
          }
          if (count > 0) {
            LOG.warn(
                "worker consumer {} was silent for over {} s: gave back the {} message(s) it held",
                prefix,
                lostAfter.toSeconds(),
                count);
          }
        });
  }
}
