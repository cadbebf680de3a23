package dev.apium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.beat.Beat;
import dev.apium.beat.BeatEntry;
import dev.apium.beat.MissedRuns;
import dev.apium.beat.Schedule;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.CoordinationStore;
import dev.apium.spi.CoordinationStore.Claim;
import dev.apium.spi.CoordinationStore.Lease;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour the beat scheduler must show on a transport: several instances sharing one broker
 * and result backend fire every run exactly once, through a leader's crash, a stale leader and a
 * restart. Extend it and give the URLs of a broker and backend that several apps share; each test
 * uses its own queue and schedule name. The schedule runs on a {@link SettableClock}; leases run on
 * the store's own (real) time, short enough that a takeover takes well under a second.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BeatContract {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private final List<Apium> apps = new ArrayList<>();
  private final Set<String> drained = new HashSet<>();
  private final String queue = "apium-beat-" + UUID.randomUUID().toString().substring(0, 13);
  private final String schedule = "contract-" + UUID.randomUUID().toString().substring(0, 13);
  protected final SettableClock clock = new SettableClock(T0);

  protected abstract String brokerUrl();

  protected abstract String backendUrl();

  /** Further settings of every app (e.g. the database schema). */
  protected Map<String, String> settings() {
    return Map.of();
  }

  /** The lease time of the beats under test (real time of the store). */
  protected Duration leaseTtl() {
    return Duration.ofMillis(400);
  }

  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** An app on the shared broker and backend, with the test's clock and queue; closed after. */
  protected Apium app() {
    Apium.Builder builder =
        Apium.builder()
            .withoutEnvironment()
            .broker(brokerUrl())
            .backend(backendUrl())
            .config("task_default_queue", queue)
            .clock(clock);
    settings().forEach(builder::config);
    Apium app = builder.build();
    apps.add(app);
    return app;
  }

  private Beat.Builder beat(String owner) {
    return app().beat().name(schedule).owner(owner).leaseTtl(leaseTtl());
  }

  @AfterEach
  void closeApps() {
    if (!apps.isEmpty()) {
      apps.get(0).broker().purge(queue);
      CoordinationStore store = apps.get(0).backend().coordination().orElseThrow();
      String base = "apium.beat." + schedule + ".";
      List.of("leader", "leader.fence").forEach(k -> store.delete(base + k));
      List.of("ten", "minutely", "once", "skip").forEach(e -> store.delete(base + "last." + e));
      drained.forEach(k -> store.delete(base + "fired." + k));
      List.of(".leader", ".leader.fence", ".k1", ".k2", ".state", ".once")
          .forEach(k -> store.delete(schedule + k));
    }
    apps.forEach(Apium::close);
  }

  /**
   * Three beats tick together through 2,000 simulated seconds (200 runs of a 10 s interval, 33 of a
   * minutely crontab). At step 100 the leader crashes just before a run falls due (it stops ticking
   * and renewing); the others take over once its lease expires in real time and send that run late.
   * At step 150 the crashed beat comes back with its stale lease and must send nothing. Every run
   * arrives exactly once, each with its own task id.
   */
  @Test
  void threeBeatsFireEveryRunOnceThroughALeaderCrash() {
    List<Beat> live = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      live.add(
          beat("beat-" + i)
              .every("ten", Duration.ofSeconds(10), "beat.ten", i)
              .cron("minutely", "* * * * *", "beat.minute")
              .build());
    }
    warmUpSends();
    Beat crashed = null;
    for (int step = 0; step <= 200; step++) {
      Instant now = clock.advance(step == 0 ? Duration.ZERO : Duration.ofSeconds(10));
      if (step == 100) {
        crashed = live.stream().filter(Beat::isLeader).findFirst().orElseThrow();
        live.remove(crashed);
      }
      if (step == 150) {
        live.add(crashed);
      }
      live.forEach(b -> b.tick(now));
      if (live.stream().noneMatch(Beat::isLeader)) {
        await()
            .atMost(timeout())
            .pollInterval(Duration.ofMillis(20))
            .until(() -> live.stream().peek(b -> b.tick(now)).anyMatch(Beat::isLeader));
      }
    }
    Set<String> expected = new HashSet<>();
    for (int k = 1; k <= 200; k++) {
      expected.add("ten@" + T0.plusSeconds(10L * k));
    }
    for (int k = 1; k <= 33; k++) {
      expected.add("minutely@" + T0.plusSeconds(60L * k));
    }
    List<TaskMessage> sent = drain(expected.size());
    List<String> keys = sent.stream().map(BeatContract::key).toList();
    assertThat(keys).doesNotHaveDuplicates();
    assertThat(Set.copyOf(keys)).isEqualTo(expected);
    assertThat(sent.stream().map(TaskMessage::id).collect(Collectors.toSet())).hasSize(233);
  }

  /**
   * One send through every app before the simulated time starts: a cold app's first send (class
   * loading, connection and script set-up) can outlast the test's short real-time lease, and a
   * leader whose lease ran out between claim and confirmation leaves the run to its successor,
   * which sends it again under the same task id (at-least-once). The contract is about leadership,
   * not about a cold JVM, so the sends are warmed up into a queue of their own and dropped.
   */
  private void warmUpSends() {
    String warm = queue + "-warm";
    Apium first = apps.get(0);
    first.broker().declareQueue(warm);
    for (Apium app : apps) {
      app.send("beat.warmup", List.of(), Map.of(), dev.apium.CallOptions.create().queue(warm));
    }
    first.broker().purge(warm);
  }

  @Test
  void aStaleLeaderIsFencedOut() {
    CoordinationStore store = app().backend().coordination().orElseThrow();
    String lease = schedule + ".leader";
    Lease first = store.acquire(lease, "a", leaseTtl()).orElseThrow();
    assertThat(store.acquire(lease, "b", leaseTtl())).isEmpty();
    assertThat(store.acquire(lease, "a", leaseTtl())).contains(first);
    assertThat(store.claim(first, schedule + ".k1", "a", Duration.ofMinutes(1)))
        .isEqualTo(Claim.CLAIMED);
    assertThat(store.claim(first, schedule + ".k1", "a", Duration.ofMinutes(1)))
        .isEqualTo(Claim.TAKEN);
    Lease second =
        await()
            .atMost(timeout())
            .pollInterval(Duration.ofMillis(20))
            .until(() -> store.acquire(lease, "b", leaseTtl()), o -> o.isPresent())
            .orElseThrow();
    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(store.renew(first, leaseTtl())).isFalse();
    assertThat(store.claim(first, schedule + ".k2", "a", Duration.ofMinutes(1)))
        .isEqualTo(Claim.FENCED);
    assertThat(store.put(first, schedule + ".state", "stale")).isFalse();
    assertThat(store.put(second, schedule + ".state", "fresh")).isTrue();
    assertThat(store.get(schedule + ".state")).contains("fresh");
    store.release(first);
    assertThat(store.renew(second, leaseTtl())).isTrue();
    store.release(second);
    Lease third = store.acquire(lease, "c", leaseTtl()).orElseThrow();
    assertThat(third.token()).isGreaterThan(second.token());
    assertThat(store.setIfAbsent(schedule + ".once", "1", Duration.ofMinutes(1))).isTrue();
    assertThat(store.setIfAbsent(schedule + ".once", "2", Duration.ofMinutes(1))).isFalse();
    store.delete(schedule + ".once");
    assertThat(store.get(schedule + ".once")).isEmpty();
    store.release(third);
  }

  @Test
  void aRestartNeitherRepeatsNorSkipsAndMissedRunsFollowTheirPolicy() {
    BeatEntry once = BeatEntry.of("once", Schedule.every(Duration.ofSeconds(10)), "beat.once");
    BeatEntry skip =
        BeatEntry.of("skip", Schedule.every(Duration.ofSeconds(10)), "beat.skip")
            .withMissed(MissedRuns.SKIP);
    Beat first = beat("first").entry(once).entry(skip).build();
    first.tick(clock.instant());
    first.tick(clock.advance(Duration.ofSeconds(10)));
    first.stop();
    Beat second = beat("second").entry(once).entry(skip).build();
    second.tick(clock.advance(Duration.ofSeconds(10)));
    second.tick(clock.advance(Duration.ofSeconds(5)));
    second.stop();
    clock.advance(Duration.ofSeconds(43));
    Beat third = beat("third").entry(once).entry(skip).build();
    third.tick(clock.instant());
    third.tick(clock.advance(Duration.ofSeconds(5)));
    third.stop();
    List<String> keys = drain(7).stream().map(BeatContract::key).sorted().toList();
    assertThat(keys)
        .containsExactly(
            "once@" + T0.plusSeconds(10),
            "once@" + T0.plusSeconds(20),
            "once@" + T0.plusSeconds(60),
            "once@" + T0.plusSeconds(70),
            "skip@" + T0.plusSeconds(10),
            "skip@" + T0.plusSeconds(20),
            "skip@" + T0.plusSeconds(70));
  }

  private static String key(TaskMessage m) {
    return String.valueOf(m.extraHeaders().get("apium_beat_key"));
  }

  /** Consumes the test queue until {@code count} messages arrived, then checks no more come. */
  private List<TaskMessage> drain(int count) {
    List<TaskMessage> out = java.util.Collections.synchronizedList(new ArrayList<>());
    Apium reader = app();
    try (Subscription s =
        reader
            .broker()
            .consume(
                List.of(queue),
                count + 10,
                (Delivery d) -> {
                  out.add(TaskMessageCodec.decode(d.message()));
                  d.ack();
                })) {
      await().atMost(timeout()).until(() -> out.size() >= count);
      await()
          .during(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(2))
          .until(() -> out.size() == count);
    }
    out.forEach(m -> drained.add(key(m)));
    return List.copyOf(out);
  }
}
