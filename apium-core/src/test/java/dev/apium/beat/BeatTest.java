package dev.apium.beat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.listen.OutgoingTask;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.CoordinationStore;
import dev.apium.spi.CoordinationStore.Claim;
import dev.apium.spi.CoordinationStore.Lease;
import dev.apium.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BeatTest {
  private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
  private final String url = "memory://beat-test-" + UUID.randomUUID();
  private final TestClock clock = new TestClock(T0);
  private final Apium app =
      Apium.builder().withoutEnvironment().broker(url).backend(url).clock(clock).build();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void aFiringIsAnOrdinaryCeleryMessageThatAWorkerRuns() {
    String queue = "beat-q-" + UUID.randomUUID();
    app.register("beat.add", Integer.class, Integer.class, (a, b) -> a + b);
    Beat beat =
        app.beat()
            .name("calc")
            .leaseTtl(Duration.ofSeconds(15))
            .entry(
                BeatEntry.of("add", Schedule.every(Duration.ofSeconds(10)), "beat.add", 2, 3)
                    .withQueue(queue)
                    .withPriority(3)
                    .withExpires(Duration.ofSeconds(30)))
            .build();
    assertThat(beat.tick(T0)).isEqualTo(T0.plusSeconds(5));
    assertThat(app.broker().size(queue)).isZero();
    assertThat(beat.tick(T0.plusSeconds(5))).isEqualTo(T0.plusSeconds(10));
    clock.set(T0.plusSeconds(10));
    assertThat(beat.tick(T0.plusSeconds(10))).isEqualTo(T0.plusSeconds(15));
    assertThat(app.broker().size(queue)).isEqualTo(1);

    List<TaskMessage> seen = new CopyOnWriteArrayList<>();
    try (var s =
        app.broker()
            .consume(
                List.of(queue),
                1,
                d -> {
                  seen.add(TaskMessageCodec.decode(d.message()));
                  d.reject(true);
                })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
    }
    TaskMessage m = seen.get(0);
    String key = "add@" + T0.plusSeconds(10);
    assertThat(m.task()).isEqualTo("beat.add");
    assertThat(m.args().toString()).isEqualTo("[2,3]");
    assertThat(m.priority()).isEqualTo(3);
    assertThat(m.expires()).isEqualTo(T0.plusSeconds(40));
    assertThat(m.extraHeaders()).containsEntry("apium_beat_key", key);
    assertThat(m.id())
        .isEqualTo(
            UUID.nameUUIDFromBytes(("apium.beat.calc." + key).getBytes(StandardCharsets.UTF_8))
                .toString());

    Worker worker = app.worker().queues(queue).concurrency(1).start();
    try {
      assertThat(app.result(m.id()).get(Duration.ofSeconds(5))).isEqualTo(5);
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void kwargsAndCrontabInTheAppTimezone() {
    Apium paris =
        Apium.builder()
            .withoutEnvironment()
            .broker(url)
            .backend(url)
            .config("timezone", "Europe/Paris")
            .clock(clock)
            .build();
    try {
      Beat beat =
          paris
              .beat()
              .leaseTtl(Duration.ofSeconds(15))
              .entry(
                  BeatEntry.of("daily", Schedule.crontab("30 9 * * *"), "beat.daily")
                      .withKwargs(Map.of("report", "sales")))
              .build();
      Crontab c = (Crontab) beat.entries().get(0).schedule();
      assertThat(c.zone()).contains(ZoneId.of("Europe/Paris"));
      assertThat(beat.entries().get(0).kwargs()).containsEntry("report", "sales");
      beat.tick(T0);
      assertThat(beat.tick(Instant.parse("2026-11-24T08:29:57Z")))
          .isEqualTo(Instant.parse("2026-11-24T08:30:00Z"));
    } finally {
      paris.close();
    }
  }

  @Test
  void aOneOffFiresOnceEvenWhenFirstSeenLate() {
    String queue = "beat-once-" + UUID.randomUUID();
    Beat beat =
        app.beat()
            .entry(
                BeatEntry.of("once", Schedule.at(T0.minusSeconds(2)), "beat.once").withQueue(queue))
            .build();
    beat.tick(T0);
    beat.tick(T0.plusSeconds(60));
    assertThat(app.broker().size(queue)).isEqualTo(1);
  }

  @Test
  void theRealTimeLoopFiresOnTheAppClock() {
    Apium live =
        Apium.builder()
            .withoutEnvironment()
            .broker(url)
            .backend(url)
            .config("task_default_queue", "live-" + UUID.randomUUID())
            .build();
    try (Beat beat = live.beat().every("fast", Duration.ofMillis(100), "beat.fast").start()) {
      String queue = live.config().get("task_default_queue");
      await().atMost(Duration.ofSeconds(5)).until(() -> live.broker().size(queue) >= 3);
      assertThat(beat.isLeader()).isTrue();
    } finally {
      live.close();
    }
  }

  /**
   * A leader that stalls past its lease while it sends (here: inside the publish, until its 200 ms
   * lease ran out and beat "b" took it) still records the send, so "b" does not send that run
   * again.
   */
  @Test
  void aLeaderThatOutlivesItsLeaseWhileSendingStillMarksTheRunSent() {
    String queue = "beat-stall-" + UUID.randomUUID();
    var store = app.backend().coordination().orElseThrow();
    AtomicBoolean stalled = new AtomicBoolean();
    Apium stalling =
        Apium.builder()
            .withoutEnvironment()
            .broker(url)
            .backend(url)
            .clock(clock)
            .listener(
                new TaskListener() {
                  @Override
                  public void beforePublish(OutgoingTask task) {
                    if (stalled.compareAndSet(false, true)) {
                      await()
                          .atMost(Duration.ofSeconds(5))
                          .pollInterval(Duration.ofMillis(10))
                          .until(
                              () ->
                                  store
                                      .acquire(
                                          "apium.beat.stall.leader", "b", Duration.ofSeconds(15))
                                      .isPresent());
                    }
                  }
                })
            .build();
    try {
      BeatEntry entry =
          BeatEntry.of("stall", Schedule.every(Duration.ofSeconds(10)), "beat.stall")
              .withQueue(queue);
      Beat first =
          stalling
              .beat()
              .name("stall")
              .owner("a")
              .leaseTtl(Duration.ofMillis(200))
              .entry(entry)
              .build();
      Beat second =
          app.beat().name("stall").owner("b").leaseTtl(Duration.ofSeconds(15)).entry(entry).build();
      first.tick(T0);
      first.tick(T0.plusSeconds(10));
      assertThat(stalled).isTrue();
      assertThat(first.isLeader()).isFalse();
      second.tick(T0.plusSeconds(10));
      assertThat(second.isLeader()).isTrue();
      assertThat(app.broker().size(queue)).isEqualTo(1);
    } finally {
      stalling.close();
    }
  }

  /**
   * A leader that stalls between its claim and its send, long enough for beat "b" to take the lease
   * and send the run itself, sends nothing when it wakes: it renews its lease right before a send.
   */
  @Test
  void aLeaderReplacedBetweenClaimAndSendDoesNotSendTheRunAgain() {
    String queue = "beat-replaced-" + UUID.randomUUID();
    CoordinationStore shared = app.backend().coordination().orElseThrow();
    BeatEntry entry =
        BeatEntry.of("late", Schedule.every(Duration.ofSeconds(10)), "beat.late").withQueue(queue);
    Beat second =
        app.beat().name("late").owner("b").leaseTtl(Duration.ofSeconds(15)).entry(entry).build();
    AtomicBoolean stalled = new AtomicBoolean();
    CoordinationStore stalling =
        new DelegatingStore(shared) {
          @Override
          public Claim claim(Lease lease, String key, String value, Duration ttl) {
            Claim claim = super.claim(lease, key, value, ttl);
            if (key.contains(".fired.") && stalled.compareAndSet(false, true)) {
              await()
                  .atMost(Duration.ofSeconds(5))
                  .pollInterval(Duration.ofMillis(10))
                  .until(() -> second.tick(T0.plusSeconds(10)) != null && second.isLeader());
            }
            return claim;
          }
        };
    Beat first =
        Beat.builder(app)
            .name("late")
            .owner("a")
            .coordination(stalling)
            .leaseTtl(Duration.ofMillis(200))
            .entry(entry)
            .build();
    first.tick(T0);
    first.tick(T0.plusSeconds(10));
    assertThat(stalled).isTrue();
    assertThat(first.isLeader()).isFalse();
    assertThat(app.broker().size(queue)).isEqualTo(1);
  }

  /** A store that forwards every call (tests override the ones they stall). */
  static class DelegatingStore implements CoordinationStore {
    private final CoordinationStore delegate;

    DelegatingStore(CoordinationStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Lease> acquire(String name, String owner, Duration ttl) {
      return delegate.acquire(name, owner, ttl);
    }

    @Override
    public boolean renew(Lease lease, Duration ttl) {
      return delegate.renew(lease, ttl);
    }

    @Override
    public void release(Lease lease) {
      delegate.release(lease);
    }

    @Override
    public Claim claim(Lease lease, String key, String value, Duration ttl) {
      return delegate.claim(lease, key, value, ttl);
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
      return delegate.setIfAbsent(key, value, ttl);
    }

    @Override
    public Optional<String> get(String key) {
      return delegate.get(key);
    }

    @Override
    public boolean put(Lease lease, String key, String value) {
      return delegate.put(lease, key, value);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void set(Instant value) {
      now = value;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
