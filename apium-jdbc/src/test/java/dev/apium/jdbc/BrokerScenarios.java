package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broker behaviour both databases must show beyond the shared {@code BrokerContract}: priorities
 * with the front requeue, inspectable dead letters, visibility restore and keepAlive, parked ETA
 * messages, routing errors, large fan-out messages, and two instances sharing one queue; subclasses
 * say where the database is. Every test opens its brokers through {@link #broker(Map)}; they are
 * closed after the test.
 */
abstract class BrokerScenarios {
  private final List<Broker> opened = new CopyOnWriteArrayList<>();

  /** The broker URL and settings of this test's own database. */
  abstract String url();

  abstract Map<String, String> settings();

  Broker broker(Map<String, String> extra) {
    Map<String, String> all = new java.util.HashMap<>(settings());
    all.putAll(extra);
    Broker broker = new JdbcTransportFactory().createBroker(url(), ApiumConfig.of(all));
    opened.add(broker);
    return broker;
  }

  Broker broker() {
    return broker(Map.of());
  }

  /** A broker reading time from {@code clock}. */
  JdbcBroker brokerAt(ManualClock clock, Map<String, String> extra) {
    Map<String, String> all = new java.util.HashMap<>(settings());
    all.putAll(extra);
    ApiumConfig config = ApiumConfig.of(all);
    JdbcBroker broker =
        new JdbcBroker(Database.open(JdbcLocation.parse(url(), config)), config, clock);
    opened.add(broker);
    return broker;
  }

  @Test
  void deferredMessageComesBackOnceAtItsEtaNotMarkedRedelivered() throws Exception {
    ManualClock clock = new ManualClock();
    JdbcBroker broker = brokerAt(clock, Map.of());
    broker.publish("eta", Messages.task("later"));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("eta"), 1, got::add);
    Delivery parked = take(got);
    assertThat(parked.deferUntil(clock.instant().minusSeconds(1))).isFalse();
    assertThat(parked.deferUntil(clock.instant().plusSeconds(3_600))).isTrue();
    parked.ack();
    assertThat(got.poll(500, TimeUnit.MILLISECONDS)).isNull();
    assertThat(broker.size("eta")).isEqualTo(1);
    clock.advance(3_600_000);
    Delivery due = take(got);
    assertThat(Messages.id(due.message())).isEqualTo("later");
    assertThat(due.redelivered()).isFalse();
    due.ack();
    assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @AfterEach
  void closeBrokers() {
    opened.forEach(Broker::close);
  }

  private static Delivery take(BlockingQueue<Delivery> queue) throws InterruptedException {
    Delivery d = queue.poll(10, TimeUnit.SECONDS);
    assertThat(d).as("a delivery within 10 s").isNotNull();
    return d;
  }

  @Test
  void aSilentOwnersClaimsComeBackAfterTheLostTimeoutNotTheVisibilityTimeout() throws Exception {
    ManualClock clock = new ManualClock();
    Map<String, String> settings = Map.of("worker_lost_timeout", "5");
    JdbcBroker victim = brokerAt(clock, settings);
    for (int i = 0; i < 3; i++) {
      victim.publish("lost", Messages.task("l" + i));
    }
    BlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
    Subscription dying = victim.consume(List.of("lost"), 3, held::add);
    for (int i = 0; i < 3; i++) {
      take(held);
    }
    dying.close(); // it beats no more, and still holds the three claims
    JdbcBroker survivor = brokerAt(clock, settings);
    assertThat(survivor.reclaimSilent(clock.millis() - 5_000)).isZero();
    clock.advance(6_000);
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    survivor.consume(List.of("lost"), 3, got::add);
    for (int i = 0; i < 3; i++) {
      Delivery back = take(got);
      assertThat(back.redelivered()).isTrue();
      back.ack();
    }
  }

  @Test
  void deadLettersAreListedReplayedAndPurged() throws Exception {
    Broker broker = broker();
    broker.publish("dl", Messages.task("dead-1"));
    broker.publish("dl", Messages.task("dead-2"));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription sub = broker.consume(List.of("dl"), 2, got::add);
    take(got).deadLetter("first reason");
    take(got).deadLetter("second reason");
    sub.close();
    var dead = broker.deadLetters().orElseThrow();
    var letters = dead.list(List.of("dl"), 10);
    assertThat(letters).extracting(l -> l.taskId()).containsExactly("dead-2", "dead-1");
    assertThat(letters)
        .extracting(l -> l.reason())
        .containsExactly("second reason", "first reason");
    assertThat(dead.list(List.of("elsewhere"), 10)).isEmpty();
    assertThat(dead.find(List.of(), "dead-1")).isPresent();

    assertThat(dead.replay(List.of(), "dead-1")).isTrue();
    assertThat(dead.replay(List.of(), "dead-1")).isFalse();
    BlockingQueue<Delivery> again = new LinkedBlockingQueue<>();
    broker.consume(List.of("dl"), 1, again::add);
    Delivery back = take(again);
    assertThat(back.message().header("id")).isEqualTo("dead-1");
    back.ack();
    assertThat(dead.purge(List.of("dl"))).isEqualTo(1);
    assertThat(dead.list(List.of(), 10)).isEmpty();
  }

  @Test
  void lowerPriorityNumberFirstAndRequeueGoesToTheFront() throws Exception {
    Broker broker = broker();
    broker.publish("prio", Messages.task("late", 9, "[]"));
    broker.publish("prio", Messages.task("plain", null, "[]"));
    broker.publish("prio", Messages.task("urgent", 0, "[]"));
    broker.publish("prio", Messages.task("mid", 5, "[]"));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription sub = broker.consume(List.of("prio"), 1, got::add);
    List<String> order = new ArrayList<>();
    Delivery first = take(got);
    order.add(Messages.id(first.message()));
    first.reject(true);
    for (int i = 0; i < 4; i++) {
      Delivery d = take(got);
      order.add(Messages.id(d.message()) + (d.redelivered() ? "*" : ""));
      d.ack();
    }
    sub.close();
    assertThat(order).containsExactly("plain", "plain*", "urgent", "mid", "late");
  }

  @Test
  void deadLetterKeepsTheMessageWithItsReason() throws Exception {
    Broker broker = broker();
    broker.publish("dl", Messages.task("bad"));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("dl"), 2, got::add);
    take(got).deadLetter("cannot decode body");
    assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(broker.size("dl")).isZero();
    assertThat(deadReasons()).containsExactly("cannot decode body");
  }

  /** The dead_reason of every dead row in this test's database. */
  abstract List<String> deadReasons() throws Exception;

  @Test
  void abandonedClaimIsRestoredAfterTheVisibilityTimeout() throws Exception {
    Broker crashed = broker(Map.of("visibility_timeout", "1"));
    crashed.publish("vis", Messages.task("v1"));
    BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
    Subscription abandoned = crashed.consume(List.of("vis"), 1, first::add);
    assertThat(take(first).redelivered()).isFalse();
    abandoned.close();
    Broker survivor = broker(Map.of("visibility_timeout", "1"));
    BlockingQueue<Delivery> second = new LinkedBlockingQueue<>();
    survivor.consume(List.of("vis"), 1, second::add);
    Delivery again = take(second);
    assertThat(Messages.id(again.message())).isEqualTo("v1");
    assertThat(again.redelivered()).isTrue();
    again.ack();
  }

  @Test
  void keepAlivePreventsTheRestore() throws Exception {
    ManualClock clock = new ManualClock();
    JdbcBroker holder = brokerAt(clock, Map.of("visibility_timeout", "10"));
    holder.publish("ka", Messages.task("k1"));
    BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
    holder.consume(List.of("ka"), 1, first::add);
    Delivery held = take(first);
    clock.advance(6_000);
    held.keepAlive();
    clock.advance(6_000);
    holder.restoreExpired();
    assertThat(holder.size("ka")).as("kept alive 6 s ago, timeout 10 s").isZero();
    clock.advance(6_000);
    holder.restoreExpired();
    assertThat(holder.size("ka")).as("silent for 12 s, timeout 10 s").isEqualTo(1);
  }

  @Test
  void namedExchangesRouteThroughBindings() throws Exception {
    Broker broker = broker();
    broker.declareQueue("celery");
    broker.bindQueue("images", "media", "img");
    broker.bindQueue("audit", "media", "img");
    broker.publish("celery", "celery", Messages.task("a"));
    broker.publish("media", "img", Messages.task("b"));
    assertThat(broker.size("celery")).isEqualTo(1);
    assertThat(broker.size("images")).isEqualTo(1);
    assertThat(broker.size("audit")).isEqualTo(1);
    assertThatThrownBy(() -> broker.publish("media", "nothing", Messages.task("c")))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("no queue is bound to exchange 'media' with routing key 'nothing'");
    assertThat(broker.purge("images")).isEqualTo(1);
    assertThat(broker.size("images")).isZero();
  }

  @Test
  void fanoutReachesEveryMatchingListenerOfEveryInstance() throws Exception {
    Broker one = broker();
    Broker two = broker();
    BlockingQueue<String> a = new LinkedBlockingQueue<>();
    BlockingQueue<String> b = new LinkedBlockingQueue<>();
    BlockingQueue<String> workersOnly = new LinkedBlockingQueue<>();
    one.subscribeFanout("celeryev", "", m -> a.add(Messages.id(m)));
    two.subscribeFanout("celeryev", "#", m -> b.add(Messages.id(m)));
    two.subscribeFanout("celeryev", "worker.#", m -> workersOnly.add(Messages.id(m)));
    one.publishFanout("celeryev", "task.succeeded", Messages.task("e1"));
    one.publishFanout("celeryev", "worker.heartbeat", Messages.task("e2"));
    String big = "[\"" + "x".repeat(20_000) + "\", {}, {}]";
    two.publishFanout("celeryev", "task.big", Messages.task("e3", null, big));
    one.publishFanout("celery.pidbox", "", Messages.task("other-exchange"));
    for (BlockingQueue<String> q : List.of(a, b)) {
      assertThat(List.of(poll(q), poll(q), poll(q))).containsExactly("e1", "e2", "e3");
    }
    assertThat(poll(workersOnly)).isEqualTo("e2");
    assertThat(workersOnly.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(a.poll(100, TimeUnit.MILLISECONDS)).isNull();
  }

  private static String poll(BlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(10, TimeUnit.SECONDS);
    assertThat(s).as("a fan-out message within 10 s").isNotNull();
    return s;
  }

  @Test
  void twoInstancesWithThreeConsumersEachDeliverEveryMessageExactlyOnce() throws Exception {
    int total = 5_000;
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    List<Broker> brokers = List.of(broker(), broker());
    ExecutorService acker = Executors.newFixedThreadPool(2);
    for (Broker broker : brokers) {
      for (int c = 0; c < 3; c++) {
        broker.consume(
            List.of("load"),
            10,
            d -> {
              seen.computeIfAbsent(Messages.id(d.message()), k -> new AtomicInteger())
                  .incrementAndGet();
              deliveries.incrementAndGet();
              acker.execute(d::ack);
            });
      }
    }
    ExecutorService producers = Executors.newFixedThreadPool(4);
    List<Future<?>> sent = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int producer = p;
      sent.add(
          producers.submit(
              () -> {
                Broker via = brokers.get(producer % 2);
                for (int i = producer; i < total; i += 4) {
                  via.publish("load", Messages.task("m" + i));
                }
              }));
    }
    for (Future<?> f : sent) {
      f.get(60, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == total);
    producers.shutdown();
    acker.shutdown();
    assertThat(acker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(deliveries.get()).isEqualTo(total);
    assertThat(seen.values().stream().filter(n -> n.get() != 1).toList()).isEmpty();
    assertThat(brokers.get(0).size("load")).isZero();
    assertThat(Collections.max(seen.values(), (x, y) -> x.get() - y.get()).get()).isEqualTo(1);
  }
}
