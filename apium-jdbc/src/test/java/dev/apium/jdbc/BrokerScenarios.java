package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Clock;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broker behaviour both databases must show; subclasses say where the database is. Every test opens
 * its brokers through {@link #broker(Map)}; they are closed after the test.
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
  void roundTripKeepsTheMessageAndAckRemovesIt() throws Exception {
    Broker broker = broker();
    broker.declareQueue("rt");
    WireMessage sent = Messages.task("t-1");
    broker.publish("rt", sent);
    assertThat(broker.size("rt")).isEqualTo(1);
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("rt"), 4, got::add);
    Delivery d = take(got);
    assertThat(d.message()).isEqualTo(sent);
    assertThat(d.queue()).isEqualTo("rt");
    assertThat(d.exchange()).isEmpty();
    assertThat(d.routingKey()).isEqualTo("rt");
    assertThat(d.redelivered()).isFalse();
    assertThat(d.deliveryTag()).isNotBlank();
    assertThat(broker.size("rt")).isZero();
    d.ack();
    d.reject(true);
    Broker other = broker();
    BlockingQueue<Delivery> none = new LinkedBlockingQueue<>();
    other.consume(List.of("rt"), 4, none::add);
    assertThat(none.poll(300, TimeUnit.MILLISECONDS)).isNull();
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
  void prefetchBoundsOutstandingDeliveries() throws Exception {
    Broker broker = broker();
    for (int i = 0; i < 10; i++) {
      broker.publish("pf", Messages.task("m" + i));
    }
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    Subscription sub = broker.consume(List.of("pf"), 3, got::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNotNull();
    assertThat(got).hasSize(2);
    sub.setPrefetch(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
    assertThat(broker.size("pf")).isEqualTo(10 - 5);
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
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    Clock manual =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(now.get());
          }
        };
    Map<String, String> all = new java.util.HashMap<>(settings());
    all.put("visibility_timeout", "10");
    ApiumConfig config = ApiumConfig.of(all);
    JdbcBroker holder =
        new JdbcBroker(Database.open(JdbcLocation.parse(url(), config)), config, manual);
    opened.add(holder);
    holder.publish("ka", Messages.task("k1"));
    BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
    holder.consume(List.of("ka"), 1, first::add);
    Delivery held = take(first);
    now.addAndGet(6_000);
    held.keepAlive();
    now.addAndGet(6_000);
    holder.restoreExpired();
    assertThat(holder.size("ka")).as("kept alive 6 s ago, timeout 10 s").isZero();
    now.addAndGet(6_000);
    holder.restoreExpired();
    assertThat(holder.size("ka")).as("silent for 12 s, timeout 10 s").isEqualTo(1);
  }

  @Test
  void closeReturnsUnsettledDeliveries() throws Exception {
    Broker leaving = broker();
    leaving.publish("cl", Messages.task("c1"));
    BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
    leaving.consume(List.of("cl"), 1, first::add);
    Delivery unsettled = take(first);
    leaving.close();
    unsettled.ack();
    Broker next = broker();
    BlockingQueue<Delivery> second = new LinkedBlockingQueue<>();
    next.consume(List.of("cl"), 1, second::add);
    Delivery again = take(second);
    assertThat(again.redelivered()).isTrue();
    assertThat(Messages.id(again.message())).isEqualTo("c1");
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
  void severalQueuesAreServedWithoutStarvation() throws Exception {
    Broker broker = broker();
    for (int i = 0; i < 200; i++) {
      broker.publish("busy", Messages.task("b" + i));
    }
    broker.publish("quiet", Messages.task("q"));
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("busy", "quiet"), 1, got::add);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = take(got);
      seen.add(Messages.id(d.message()));
      d.ack();
    }
    assertThat(seen).contains("q");
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
