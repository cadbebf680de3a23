package dev.apium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Broker} must show, as JUnit tests: extend it, return a broker from
 * {@link #newBroker()}, and the transport is done when the suite is green against the real server.
 * Two calls of {@code newBroker()} within one test must reach the same queues (that is how restore
 * on close is checked); tests isolate themselves through {@link #uniqueQueue()} names. {@code
 * subscribeFanout} must return once the listener is subscribed. Tests run on the JUnit thread and
 * wait with deadlines; brokers opened through {@link #open()} are closed after each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BrokerContract {
  private final List<Broker> opened = new ArrayList<>();
  private final List<String> queues = new ArrayList<>();
  protected Broker broker;

  /** A new client of the broker under test. */
  protected abstract Broker newBroker();

  /** False when the transport cannot order by priority; the priority test is then skipped. */
  protected boolean supportsPriorities() {
    return true;
  }

  /** The priority delivered first (Redis: 0; AMQP: the highest). */
  protected int urgentPriority() {
    return 0;
  }

  /** A priority delivered after {@link #urgentPriority()} (Redis: 9; AMQP: 0). */
  protected int relaxedPriority() {
    return 9;
  }

  /**
   * True when {@code reject(true)} puts the message at the front of its queue (memory, AMQP); false
   * where the transport requeues at the back (kombu's Redis reject).
   */
  protected boolean requeuesToFront() {
    return true;
  }

  /** How long to wait for something that must happen. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** How long to watch for something that must not happen. */
  protected Duration quietWindow() {
    return Duration.ofMillis(250);
  }

  /** Messages per producer thread in {@link #concurrentProducersAndConsumersDeliverExactlyOnce}. */
  protected int messagesPerProducer() {
    return 2_500;
  }

  /** A queue name no other test uses; its messages are purged after the test. */
  protected String uniqueQueue() {
    String queue = "apium-contract-" + UUID.randomUUID().toString().substring(0, 13);
    queues.add(queue);
    return queue;
  }

  /** A broker closed after the test. */
  protected Broker open() {
    Broker created = newBroker();
    opened.add(created);
    return created;
  }

  @BeforeEach
  void openBroker() {
    broker = open();
  }

  @AfterEach
  void closeBrokers() {
    opened.forEach(Broker::close);
    try (Broker cleaner = newBroker()) {
      queues.forEach(cleaner::purge);
    }
  }

  /** A JSON task-like message whose {@code id} header and body carry {@code id}. */
  protected static WireMessage message(String id) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("lang", "py");
    headers.put("task", "contract.echo");
    headers.put("id", id);
    headers.put("eta", null);
    headers.put("retries", 3);
    headers.put("ignore_result", false);
    headers.put("timelimit", Arrays.asList(null, 30));
    headers.put("nested", Map.of("k", List.of("v", 1)));
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("correlation_id", id);
    properties.put("reply_to", "reply-" + id);
    properties.put("delivery_mode", 2);
    String body = "[[\"" + id + "\"], {\"text\": \"h\u00e9llo \u2713\"}, {\"chain\": null}]";
    return WireMessage.json(headers, properties, body.getBytes(StandardCharsets.UTF_8));
  }

  protected static String idOf(Delivery delivery) {
    return String.valueOf(delivery.message().header("id"));
  }

  private <T> Inbox<T> inbox() {
    return new Inbox<>(timeout());
  }

  @Test
  void roundTripKeepsHeadersPropertiesAndBody() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    WireMessage sent = message("round-trip");
    broker.publish(queue, sent);
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 1, inbox);
    Delivery got = inbox.take();
    assertThat(got.message().headers()).isEqualTo(sent.headers());
    assertThat(got.message().properties()).containsAllEntriesOf(sent.properties());
    assertThat(got.message().contentType()).isEqualTo("application/json");
    assertThat(got.message().contentEncoding()).isEqualTo("utf-8");
    assertThat(got.message().body()).isEqualTo(sent.body());
    assertThat(got.queue()).isEqualTo(queue);
    assertThat(got.routingKey()).isEqualTo(queue);
    assertThat(got.redelivered()).isFalse();
    assertThat(got.deliveryTag()).isNotBlank();
    got.ack();
  }

  @Test
  void deliversInPublishOrder() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sent.add("m" + i);
      broker.publish(queue, message("m" + i));
    }
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 10, inbox);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      Delivery delivery = inbox.take();
      got.add(idOf(delivery));
      delivery.ack();
    }
    assertThat(got).containsExactlyElementsOf(sent);
  }

  @Test
  void prefetchBoundsOutstandingDeliveriesAndCanBeRaised() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    for (int i = 0; i < 7; i++) {
      broker.publish(queue, message("p" + i));
    }
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger maxOutstanding = new AtomicInteger();
    Inbox<Delivery> inbox = inbox();
    Subscription subscription =
        broker.consume(
            List.of(queue),
            2,
            delivery -> {
              maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
              inbox.accept(delivery);
            });
    List<Delivery> first = inbox.take(2);
    inbox.assertStays(2, quietWindow());
    assertThat(broker.size(queue)).isEqualTo(5);

    outstanding.decrementAndGet();
    first.get(0).ack();
    Delivery third = inbox.take();
    inbox.assertStays(3, quietWindow());
    assertThat(maxOutstanding.get()).isLessThanOrEqualTo(2);

    subscription.setPrefetch(10);
    List<Delivery> rest = inbox.take(4);
    assertThat(inbox.received()).isEqualTo(7);
    first.get(1).ack();
    third.ack();
    rest.forEach(Delivery::ack);
    await().atMost(timeout()).until(() -> broker.size(queue) == 0);
  }

  @Test
  void ackRemovesTheMessageAndLaterSettlementsAreIgnored() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    broker.publish(queue, message("acked"));
    Inbox<Delivery> inbox = inbox();
    Subscription subscription = broker.consume(List.of(queue), 1, inbox);
    Delivery delivery = inbox.take();
    delivery.ack();
    delivery.reject(true);
    subscription.close();
    broker.close();

    Inbox<Delivery> again = inbox();
    Broker next = open();
    next.consume(List.of(queue), 1, again);
    again.assertStays(0, quietWindow());
    assertThat(next.size(queue)).isZero();
  }

  @Test
  void rejectWithRequeueRedeliversAndMarksRedelivered() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    broker.publish(queue, message("a"));
    broker.publish(queue, message("b"));
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 1, inbox);
    Delivery first = inbox.take();
    assertThat(idOf(first)).isEqualTo("a");
    assertThat(first.redelivered()).isFalse();
    first.reject(true);
    Delivery again = inbox.take();
    boolean nextFirst = !requeuesToFront() || idOf(again).equals("b");
    if (nextFirst) {
      // A broker that requeues to the front may still hand out the next message first: RabbitMQ
      // puts a requeued message back "in its original position if possible, else closer to the
      // head", and under load the next one can already be on its way to the freed slot.
      assertThat(idOf(again)).isEqualTo("b");
      assertThat(again.redelivered()).isFalse();
      again.ack();
      again = inbox.take();
    }
    assertThat(idOf(again)).isEqualTo("a");
    assertThat(again.redelivered()).isTrue();
    assertThat(again.message().body()).isEqualTo(first.message().body());
    again.ack();
    if (!nextFirst) {
      Delivery second = inbox.take();
      assertThat(idOf(second)).isEqualTo("b");
      assertThat(second.redelivered()).isFalse();
      second.ack();
    }
    inbox.assertStays(3, quietWindow());
  }

  @Test
  void rejectWithoutRequeueDrops() {
    settleFirstThenExpectOnlySecond(delivery -> delivery.reject(false));
  }

  @Test
  void deadLetterDoesNotRedeliver() {
    settleFirstThenExpectOnlySecond(delivery -> delivery.deadLetter("contract: undecodable"));
  }

  private void settleFirstThenExpectOnlySecond(java.util.function.Consumer<Delivery> settle) {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    broker.publish(queue, message("bad"));
    broker.publish(queue, message("good"));
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 1, inbox);
    Delivery bad = inbox.take();
    assertThat(idOf(bad)).isEqualTo("bad");
    settle.accept(bad);
    Delivery good = inbox.take();
    assertThat(idOf(good)).isEqualTo("good");
    good.ack();
    inbox.assertStays(2, quietWindow());
    assertThat(broker.size(queue)).isZero();
  }

  @Test
  void brokerCloseReturnsUnsettledDeliveriesToANewConsumer() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    for (String id : List.of("u1", "u2", "u3")) {
      broker.publish(queue, message(id));
    }
    Inbox<Delivery> inbox = inbox();
    Subscription subscription = broker.consume(List.of(queue), 3, inbox);
    List<Delivery> held = inbox.take(3);
    held.get(1).ack();
    subscription.close();
    broker.close();

    Inbox<Delivery> next = inbox();
    open().consume(List.of(queue), 5, next);
    List<Delivery> returned = next.take(2);
    assertThat(returned).extracting(BrokerContract::idOf).containsExactlyInAnyOrder("u1", "u3");
    assertThat(returned).allMatch(Delivery::redelivered);
    returned.forEach(Delivery::ack);
    next.assertStays(2, quietWindow());
  }

  @Test
  void purgeEmptiesTheQueueAndSizeCountsReadyMessages() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    assertThat(broker.size(queue)).isZero();
    for (int i = 0; i < 5; i++) {
      broker.publish(queue, message("s" + i));
    }
    assertThat(broker.size(queue)).isEqualTo(5);
    assertThat(broker.purge(queue)).isEqualTo(5);
    assertThat(broker.size(queue)).isZero();
    assertThat(broker.purge(queue)).isZero();
  }

  @Test
  void severalQueuesAreServedWithoutStarvation() {
    String busy = uniqueQueue();
    String quiet = uniqueQueue();
    broker.declareQueue(busy);
    broker.declareQueue(quiet);
    for (int i = 0; i < 60; i++) {
      broker.publish(busy, message("busy" + i));
    }
    for (int i = 0; i < 5; i++) {
      broker.publish(quiet, message("quiet" + i));
    }
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(busy, quiet), 1, inbox);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      Delivery delivery = inbox.take();
      order.add(delivery.queue());
      delivery.ack();
    }
    assertThat(order.subList(0, 30)).filteredOn(quiet::equals).hasSize(5);
  }

  @Test
  void lowerPriorityWaitsBehindUrgentMessages() {
    Assumptions.assumeTrue(supportsPriorities(), "transport does not order by priority");
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    broker.publish(queue, message("relaxed").withProperty("priority", relaxedPriority()));
    broker.publish(queue, message("urgent").withProperty("priority", urgentPriority()));
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 1, inbox);
    Delivery first = inbox.take();
    first.ack();
    Delivery second = inbox.take();
    second.ack();
    assertThat(List.of(idOf(first), idOf(second))).containsExactly("urgent", "relaxed");
  }

  @Test
  void publishAllDeliversTheBatchInOrderWithDistinctTags() {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    List<String> sent = new ArrayList<>();
    List<WireMessage> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sent.add("b" + i);
      batch.add(message("b" + i));
    }
    broker.publishAll("", queue, batch);
    broker.publish(queue, message("after"));
    sent.add("after");
    assertThat(broker.size(queue)).isEqualTo(sent.size());
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(queue), 10, inbox);
    List<String> got = new ArrayList<>();
    java.util.Set<String> tags = new java.util.HashSet<>();
    for (int i = 0; i < sent.size(); i++) {
      Delivery delivery = inbox.take();
      got.add(idOf(delivery));
      tags.add(delivery.deliveryTag());
      assertThat(delivery.message().body()).isEqualTo(message(idOf(delivery)).body());
      delivery.ack();
    }
    assertThat(got).containsExactlyElementsOf(sent);
    assertThat(tags).hasSize(sent.size());
  }

  @Test
  void publishAllThroughANamedExchangeRoutesByBinding() {
    String exchange = uniqueQueue() + "-x";
    String left = uniqueQueue();
    String right = uniqueQueue();
    broker.declareQueue(left);
    broker.declareQueue(right);
    broker.bindQueue(left, exchange, "to.left");
    broker.bindQueue(right, exchange, "to.right");
    broker.publishAll(exchange, "to.left", List.of(message("L1"), message("L2")));
    broker.publishAll(exchange, "to.right", List.of());
    assertThat(broker.size(left)).isEqualTo(2);
    assertThat(broker.size(right)).isZero();
  }

  @Test
  void namedExchangeRoutesThroughBindings() {
    String exchange = uniqueQueue() + "-x";
    String left = uniqueQueue();
    String right = uniqueQueue();
    broker.declareQueue(left);
    broker.declareQueue(right);
    broker.bindQueue(left, exchange, "to.left");
    broker.bindQueue(right, exchange, "to.right");
    broker.publish(exchange, "to.left", message("L"));
    broker.publish(exchange, "to.right", message("R"));
    assertThat(broker.size(left)).isEqualTo(1);
    assertThat(broker.size(right)).isEqualTo(1);
    Inbox<Delivery> inbox = inbox();
    broker.consume(List.of(left), 1, inbox);
    Delivery got = inbox.take();
    assertThat(idOf(got)).isEqualTo("L");
    assertThat(got.exchange()).isEqualTo(exchange);
    assertThat(got.routingKey()).isEqualTo("to.left");
    got.ack();
  }

  @Test
  void fanoutReachesEveryMatchingSubscriberAndNoOther() {
    String exchange = uniqueQueue() + "-fanout";
    Inbox<WireMessage> workers = inbox();
    Inbox<WireMessage> all = inbox();
    Inbox<WireMessage> unfiltered = inbox();
    Inbox<WireMessage> tasks = inbox();
    broker.subscribeFanout(exchange, "worker.#", workers);
    broker.subscribeFanout(exchange, "#", all);
    broker.subscribeFanout(exchange, "", unfiltered);
    broker.subscribeFanout(exchange, "task.*", tasks);
    Broker other = open();
    other.publishFanout(exchange, "worker.heartbeat", message("hb"));
    other.publishFanout(exchange, "task.sent.more", message("deep"));
    other.publishFanout(exchange, "task.sent", message("sent"));

    assertThat(workers.take().header("id")).isEqualTo("hb");
    assertThat(all.take(3)).extracting(m -> m.header("id")).containsExactly("hb", "deep", "sent");
    assertThat(unfiltered.take(3))
        .extracting(m -> m.header("id"))
        .containsExactly("hb", "deep", "sent");
    WireMessage task = tasks.take();
    assertThat(task.header("id")).isEqualTo("sent");
    assertThat(task.body()).isEqualTo(message("sent").body());
    tasks.assertStays(1, quietWindow());
    assertThat(workers.received()).isEqualTo(1);
  }

  @Test
  void closedFanoutSubscriptionHearsNothingMore() {
    String exchange = uniqueQueue() + "-fanout";
    Inbox<WireMessage> closed = inbox();
    Inbox<WireMessage> open = inbox();
    broker.subscribeFanout(exchange, "#", closed).close();
    broker.subscribeFanout(exchange, "#", open);
    broker.publishFanout(exchange, "worker.online", message("after-close"));
    assertThat(open.take().header("id")).isEqualTo("after-close");
    closed.assertStays(0, quietWindow());
  }

  @Test
  void concurrentProducersAndConsumersDeliverExactlyOnce() throws Exception {
    String queue = uniqueQueue();
    broker.declareQueue(queue);
    int producers = 4;
    int perProducer = messagesPerProducer();
    int total = producers * perProducer;
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    AtomicInteger delivered = new AtomicInteger();
    for (int c = 0; c < 3; c++) {
      open()
          .consume(
              List.of(queue),
              10,
              delivery -> {
                seen.computeIfAbsent(idOf(delivery), id -> new AtomicInteger()).incrementAndGet();
                delivered.incrementAndGet();
                delivery.ack();
              });
    }
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        sent.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    broker.publish(queue, message(producer + "-" + i));
                  }
                }));
      }
      for (Future<?> future : sent) {
        future.get(timeout().toMillis() * 3, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(timeout().multipliedBy(3)).until(() -> delivered.get() >= total);
    await().during(quietWindow()).atMost(timeout()).until(() -> delivered.get() == total);
    assertThat(seen).hasSize(total);
    assertThat(seen.values()).allMatch(count -> count.get() == 1);
    assertThat(broker.size(queue)).isZero();
  }
}
