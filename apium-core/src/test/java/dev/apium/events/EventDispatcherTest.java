package dev.apium.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.memory.MemoryBroker;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Event bodies and routing against Celery 5.2.6's captures (celery-protocol.md §8, live capture C):
 * the fields in Celery's order, the routing keys, the {@code hostname} header, delivery_mode 1,
 * task events batched on {@code task.multi} and sent only when task events are on.
 */
class EventDispatcherTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:13:09.939134Z");
  private final MemoryBroker broker = new MemoryBroker("events-" + UUID.randomUUID());
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @AfterEach
  void close() {
    subscriptions.forEach(Subscription::close);
    broker.close();
  }

  private List<WireMessage> listen(String bindingKey) {
    List<WireMessage> got = new CopyOnWriteArrayList<>();
    subscriptions.add(broker.subscribeFanout("celeryev", bindingKey, got::add));
    return got;
  }

  /**
   * The events of the {@code task.multi} messages received, once there are at least {@code count}
   * (the memory broker hands fan-out messages to listeners on its own thread).
   */
  private static List<JsonNode> batched(List<WireMessage> multi, int count) {
    List<JsonNode> sent = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              sent.clear();
              multi.forEach(w -> CeleryJson.parse(w.bodyText()).forEach(sent::add));
              return sent.size() >= count;
            });
    return sent;
  }

  private static List<String> keys(JsonNode event) {
    List<String> out = new ArrayList<>();
    event.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void heartbeatHasCeleryFieldsInCeleryOrder() {
    List<WireMessage> got = listen("worker.heartbeat");
    try (EventDispatcher events = new EventDispatcher(broker, "spec@vm", clock, false, true)) {
      events.send("worker-heartbeat", WorkerEvents.fields(2.0, 0, 14));
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
    }
    WireMessage message = got.get(0);
    assertThat(message.header("hostname")).isEqualTo("spec@vm");
    assertThat(message.property("delivery_mode")).isEqualTo(1);
    JsonNode event = CeleryJson.parse(message.bodyText());
    assertThat(keys(event))
        .containsExactly(
            "hostname",
            "utcoffset",
            "pid",
            "clock",
            "freq",
            "active",
            "processed",
            "loadavg",
            "sw_ident",
            "sw_ver",
            "sw_sys",
            "timestamp",
            "type");
    assertThat(event.path("type").asText()).isEqualTo("worker-heartbeat");
    assertThat(event.path("freq").asDouble()).isEqualTo(2.0);
    assertThat(event.path("processed").asLong()).isEqualTo(14);
    assertThat(event.path("loadavg")).hasSize(3);
    assertThat(event.path("clock").asLong()).isEqualTo(1);
    assertThat(event.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(event.path("timestamp").asDouble()).isEqualTo(1795515189.939134);
  }

  /**
   * Timestamps are written as Celery's {@code time.time()}: seconds, a point and six digits,
   * leading and trailing zeros kept, on either side of a change of second.
   */
  @Test
  void timestampsKeepSixDigitsAcrossSeconds() {
    List<WireMessage> got = listen("worker.heartbeat");
    List<String> times =
        List.of(
            "2026-11-24T10:13:09.000001Z",
            "2026-11-24T10:13:09.999999Z",
            "2026-11-24T10:13:10Z",
            "2026-11-24T10:13:10.050000Z");
    for (String time : times) {
      Clock at = Clock.fixed(Instant.parse(time), ZoneOffset.UTC);
      try (EventDispatcher events = new EventDispatcher(broker, "spec@vm", at, false, true)) {
        events.send("worker-heartbeat", WorkerEvents.fields(2.0, 0, 1));
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == times.size());
    java.util.regex.Pattern stamp = java.util.regex.Pattern.compile("\"timestamp\":([0-9.]+)");
    List<String> stamps = new ArrayList<>();
    for (WireMessage message : got) {
      java.util.regex.Matcher m = stamp.matcher(message.bodyText());
      assertThat(m.find()).isTrue();
      stamps.add(m.group(1));
    }
    assertThat(stamps)
        .containsExactly(
            "1795515189.000001", "1795515189.999999", "1795515190.000000", "1795515190.050000");
  }

  @Test
  void taskEventsGoOutInTaskMultiBatchesOnlyWhenEnabled() {
    List<WireMessage> multi = listen("task.multi");
    List<WireMessage> single = listen("task.started");
    TaskMessage m =
        TaskMessage.builder("spec.add", "ade6083c-0000-0000-0000-000000000001")
            .args(CeleryJson.array().add(1).add(1))
            .kwargs(CeleryJson.object())
            .argsRepr("(1, 1)")
            .kwargsRepr("{}")
            .rootId("ade6083c-0000-0000-0000-000000000001")
            .build();
    try (EventDispatcher events = new EventDispatcher(broker, "spec@vm", clock, false, true)) {
      // Dropped while task events are off: not sent, and the clock does not move.
      events.send("task-started", TaskEvents.started(m.id()));
      assertThat(events.taskEvents(true)).isFalse();
      events.send("task-received", TaskEvents.received(m));
      events.send("task-started", TaskEvents.started(m.id()));
      events.send("task-succeeded", TaskEvents.succeeded(m.id(), CeleryJson.toTree(5), 3_524_634L));
    }
    List<JsonNode> sent = batched(multi, 3);
    assertThat(single).isEmpty();
    assertThat(sent)
        .extracting(e -> e.path("type").asText())
        .containsExactly("task-received", "task-started", "task-succeeded");
    assertThat(keys(sent.get(0)))
        .containsExactly(
            "hostname",
            "utcoffset",
            "pid",
            "clock",
            "uuid",
            "name",
            "args",
            "kwargs",
            "root_id",
            "parent_id",
            "retries",
            "eta",
            "expires",
            "timestamp",
            "type");
    assertThat(sent.get(0).path("args").asText()).isEqualTo("(1, 1)");
    assertThat(sent.get(0).path("parent_id").isNull()).isTrue();
    assertThat(keys(sent.get(1)))
        .containsExactly("hostname", "utcoffset", "pid", "clock", "uuid", "timestamp", "type");
    assertThat(keys(sent.get(2)))
        .containsExactly(
            "hostname",
            "utcoffset",
            "pid",
            "clock",
            "uuid",
            "result",
            "runtime",
            "timestamp",
            "type");
    assertThat(sent.get(2).path("result").asText()).isEqualTo("5");
    assertThat(sent.get(2).path("runtime").isDouble()).isTrue();
    assertThat(sent.get(2).path("runtime").asDouble()).isEqualTo(0.003524634);
    assertThat(sent.get(2).path("timestamp").asDouble()).isEqualTo(1795515189.939134);
    assertThat(sent).extracting(e -> e.path("clock").asLong()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void clientTaskSentIsSentAtOnceWithCeleryFields() {
    List<WireMessage> got = listen("task.sent");
    TaskMessage m =
        TaskMessage.builder("spec.add", "df2435a7-cf43-421a-b623-088aec35f69b")
            .args(CeleryJson.array().add(2).add(3))
            .kwargs(CeleryJson.object())
            .rootId("df2435a7-cf43-421a-b623-088aec35f69b")
            .build();
    try (EventDispatcher events = new EventDispatcher(broker, "gen8124@vm", clock, true, false)) {
      events.send("task-sent", TaskEvents.sent(m, "celery", "", "celery"));
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
    }
    JsonNode event = CeleryJson.parse(got.get(0).bodyText());
    assertThat(keys(event))
        .containsExactly(
            "hostname",
            "utcoffset",
            "pid",
            "clock",
            "uuid",
            "root_id",
            "parent_id",
            "name",
            "args",
            "kwargs",
            "retries",
            "eta",
            "expires",
            "queue",
            "exchange",
            "routing_key",
            "timestamp",
            "type");
    assertThat(event.path("args").asText()).isEqualTo("(2, 3)");
    assertThat(event.path("kwargs").asText()).isEqualTo("{}");
    assertThat(event.path("routing_key").asText()).isEqualTo("celery");
    assertThat(event.path("type").asText()).isEqualTo("task-sent");
  }

  @Test
  void anEventWhoseFieldsCannotBeWrittenIsLeftOutOfItsBatchAlone() {
    List<WireMessage> multi = listen("task.multi");
    try (EventDispatcher events = new EventDispatcher(broker, "spec@vm", clock, true, true)) {
      events.send("task-started", TaskEvents.started("a"));
      events.send(
          "task-started",
          g -> {
            throw new IllegalStateException("no repr");
          });
      events.send("task-started", TaskEvents.started("c"));
    }
    List<JsonNode> sent = batched(multi, 2);
    assertThat(sent).extracting(e -> e.path("uuid").asText()).containsExactly("a", "c");
  }

  /**
   * The test's memory broker, but the first {@code task.multi} round's reply is {@code answer}'s
   * (that round is still handed to the memory broker unless the answer fails it); counts rounds.
   */
  private Broker firstRoundAnsweredBy(
      java.util.concurrent.atomic.AtomicInteger rounds,
      java.util.function.Supplier<CompletableFuture<Void>> answer) {
    return (Broker)
        java.lang.reflect.Proxy.newProxyInstance(
            Broker.class.getClassLoader(),
            new Class<?>[] {Broker.class},
            (proxy, method, args) -> {
              boolean round = method.getName().equals("publishFanoutAllAsync");
              if (round && rounds.incrementAndGet() == 1) {
                CompletableFuture<Void> reply = answer.get();
                if (!reply.isCompletedExceptionally()) {
                  method.invoke(broker, args);
                }
                return reply;
              }
              try {
                return method.invoke(broker, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /**
   * The writer keeps one round in flight: a round the broker refuses is logged and lost, and the
   * rounds after it still go out.
   */
  @Test
  void aRoundTheBrokerRefusesIsLostAndTheNextGoesOut() {
    List<WireMessage> multi = listen("task.multi");
    java.util.concurrent.atomic.AtomicInteger rounds =
        new java.util.concurrent.atomic.AtomicInteger();
    Broker refusingFirst =
        firstRoundAnsweredBy(
            rounds, () -> CompletableFuture.failedFuture(new BrokerException("refused")));
    try (EventDispatcher events =
        new EventDispatcher(refusingFirst, "spec@vm", clock, true, true)) {
      events.send("task-started", TaskEvents.started("lost"));
      await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() == 1);
      events.send("task-started", TaskEvents.started("kept"));
    }
    List<JsonNode> sent = batched(multi, 1);
    assertThat(sent).extracting(e -> e.path("uuid").asText()).containsExactly("kept");
    assertThat(rounds).hasValue(2);
  }

  /**
   * A broker that does not keep up: past {@link EventDispatcher#BUFFER_CAPACITY} waiting, task
   * events are dropped, and every event is either delivered or counted as dropped.
   */
  @Test
  void eventsBeyondTheBufferAreDroppedAndCounted() {
    List<WireMessage> multi = listen("task.multi");
    CompletableFuture<Void> firstRound = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger rounds =
        new java.util.concurrent.atomic.AtomicInteger();
    // the first round is taken, but not confirmed until it is released below
    Broker slowFirst = firstRoundAnsweredBy(rounds, () -> firstRound);
    int total = EventDispatcher.BUFFER_CAPACITY + 2_001;
    long dropped;
    try (EventDispatcher events = new EventDispatcher(slowFirst, "spec@vm", clock, true, true)) {
      events.send("task-started", TaskEvents.started("first"));
      await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() == 1);
      for (int i = 1; i < total; i++) {
        events.send("task-started", TaskEvents.started("t" + i));
      }
      dropped = events.droppedEvents();
      firstRound.complete(null);
    }
    assertThat(dropped).isPositive();
    assertThat(batched(multi, (int) (total - dropped))).hasSize((int) (total - dropped));
  }

  @Test
  void failuresAndRevokesCarryCeleryFields() {
    assertThat(TaskEvents.failed("id", "ValueError('boom')", "Traceback").keySet())
        .containsExactly("uuid", "exception", "traceback");
    assertThat(TaskEvents.retried("id", null, null)).containsEntry("exception", "None");
    assertThat(TaskEvents.revoked("id", true, 15, false))
        .isEqualTo(Map.of("uuid", "id", "terminated", true, "signum", 15, "expired", false));
    assertThat(TaskEvents.rejected("id", false).keySet()).containsExactly("uuid", "requeue");
  }
}
