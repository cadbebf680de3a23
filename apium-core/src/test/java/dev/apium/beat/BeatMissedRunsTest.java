package dev.apium.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.CoordinationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Missed runs under each policy, and a firing whose leader died between claim and send. */
class BeatMissedRunsTest {
  /** Short, since the memory store measures leases on the wall clock, not the test's clock. */
  private static final Duration LEASE = Duration.ofMillis(300);

  private static final Instant T0 = Instant.parse("2026-12-04T08:00:00Z");
  private final String url = "memory://beat-missed-" + UUID.randomUUID();
  private final BeatTest.TestClock clock = new BeatTest.TestClock(T0);
  private final Apium app =
      Apium.builder().withoutEnvironment().broker(url).backend(url).clock(clock).build();
  private final String queue = "beat-missed-q-" + UUID.randomUUID();

  @AfterEach
  void close() {
    app.close();
  }

  private Beat beat(String owner, MissedRuns missed) {
    return Beat.builder(app)
        .name("missed")
        .owner(owner)
        .leaseTtl(LEASE)
        .entry(
            BeatEntry.of("tick", Schedule.every(Duration.ofSeconds(10)), "beat.tick")
                .withQueue(queue)
                .withMissed(missed))
        .build();
  }

  @Test
  void allFiresEachMissedRunOnceWithItsOwnScheduledTime() {
    Beat beat = beat("a", MissedRuns.ALL);
    beat.tick(T0);
    clock.set(T0.plusSeconds(45));
    beat.tick(T0.plusSeconds(45));
    beat.tick(T0.plusSeconds(46));
    assertThat(firedKeys()).containsExactly(key(10), key(20), key(30), key(40));
  }

  @Test
  void runOnceFiresOnceForAllMissedRuns() {
    Beat beat = beat("a", MissedRuns.RUN_ONCE);
    beat.tick(T0);
    beat.tick(T0.plusSeconds(45));
    assertThat(firedKeys()).containsExactly(key(40));
  }

  @Test
  void aFiringClaimedByALeaderThatDiedBeforeSendingIsSentByTheNext() {
    Beat first = beat("first", MissedRuns.ALL);
    first.tick(T0);
    assertThat(first.isLeader()).isTrue();
    // The first leader claims the run at T0+10 and dies before it sends it.
    CoordinationStore store = app.backend().coordination().orElseThrow();
    CoordinationStore.Lease lease =
        store.acquire("apium.beat.missed.leader", "first", LEASE).orElseThrow();
    assertThat(
            store.claim(
                lease,
                "apium.beat.missed.fired.tick@" + T0.plusSeconds(10),
                "first#" + lease.token(),
                Duration.ofDays(7)))
        .isEqualTo(CoordinationStore.Claim.CLAIMED);

    clock.set(T0.plusSeconds(25));
    Beat second = beat("second", MissedRuns.ALL);
    takeOver(second, T0.plusSeconds(25));
    assertThat(firedKeys()).containsExactly(key(10), key(20));
  }

  @Test
  void aFiringMarkedSentIsNotSentAgainByTheNextLeader() {
    Beat first = beat("first", MissedRuns.ALL);
    first.tick(T0);
    clock.set(T0.plusSeconds(10));
    first.tick(T0.plusSeconds(10));
    // The first leader dies after sending (and marking) T0+10 but before moving its cursor.
    CoordinationStore store = app.backend().coordination().orElseThrow();
    CoordinationStore.Lease lease =
        store.acquire("apium.beat.missed.leader", "first", LEASE).orElseThrow();
    assertThat(store.put(lease, "apium.beat.missed.last.tick", T0.toString())).isTrue();

    clock.set(T0.plusSeconds(25));
    Beat second = beat("second", MissedRuns.ALL);
    takeOver(second, T0.plusSeconds(25));
    assertThat(firedKeys()).containsExactly(key(10), key(20));
  }

  /** Ticks {@code beat} until the dead leader's lease has run out and it leads (and fires). */
  private static void takeOver(Beat beat, Instant now) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              beat.tick(now);
              return beat.isLeader();
            });
  }

  private String key(int seconds) {
    return "tick@" + T0.plusSeconds(seconds);
  }

  private List<String> firedKeys() {
    List<String> keys = new CopyOnWriteArrayList<>();
    long size = app.broker().size(queue);
    try (var s =
        app.broker()
            .consume(
                List.of(queue),
                100,
                d -> {
                  keys.add(
                      String.valueOf(
                          TaskMessageCodec.decode(d.message())
                              .extraHeaders()
                              .get(Firings.KEY_HEADER)));
                  d.ack();
                })) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> keys.size() >= size);
    }
    return keys;
  }
}
