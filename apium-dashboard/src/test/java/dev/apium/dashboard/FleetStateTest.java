package dev.apium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.protocol.CeleryJson;
import org.junit.jupiter.api.Test;

/** Folding Celery events into the dashboard's bounded state. */
class FleetStateTest {
  private static void event(FleetState s, String json) {
    s.apply(CeleryJson.parse(json));
  }

  @Test
  void tasksGoThroughTheirStatesAndKeepTheTraceback() {
    FleetState s = new FleetState(10);
    event(
        s,
        "{\"type\":\"task-received\",\"uuid\":\"a\",\"name\":\"t.add\",\"args\":\"(1, 2)\",\"hostname\":\"w@h\",\"timestamp\":100.0}");
    event(s, "{\"type\":\"task-started\",\"uuid\":\"a\",\"hostname\":\"w@h\",\"timestamp\":100.5}");
    assertThat(s.task("a").path("state").asText()).isEqualTo("STARTED");
    event(
        s,
        "{\"type\":\"task-failed\",\"uuid\":\"a\",\"exception\":\"ValueError('x')\",\"traceback\":\"Traceback...\\nValueError: x\",\"hostname\":\"w@h\",\"timestamp\":101.0}");
    assertThat(s.task("a").path("state").asText()).isEqualTo("FAILURE");
    assertThat(s.task("a").path("traceback").asText()).contains("ValueError: x");
    assertThat(s.task("a").path("name").asText()).isEqualTo("t.add");
    assertThat(s.task("a").path("timeline")).hasSize(3);
    assertThat(s.stats(103.5, 5).path("failed").toString()).isEqualTo("[0,0,1,0,0]");
  }

  private static void finished(FleetState s, String id, double ts, boolean failed) {
    event(
        s,
        "{\"type\":\"task-"
            + (failed ? "failed" : "succeeded")
            + "\",\"uuid\":\""
            + id
            + "\",\"hostname\":\"w@h\",\"timestamp\":"
            + ts
            + "}");
  }

  private static long sum(com.fasterxml.jackson.databind.JsonNode series) {
    long total = 0;
    for (var n : series) {
      total += n.asLong();
    }
    return total;
  }

  @Test
  void chartWindowsOf15MinutesAndAnHourUseCoarserBuckets() {
    FleetState s = new FleetState(10);
    double now = 36_000.5; // a multiple of 60 s, plus half a second
    // one task a minute for three hours, and a failure 10 minutes ago
    for (int m = 0; m < 180; m++) {
      finished(s, "ok" + m, now - 60 * m, false);
    }
    finished(s, "bad", now - 600, true);

    var twoMin = s.stats(now, 120);
    assertThat(twoMin.path("bucket_seconds").asInt()).isEqualTo(1);
    assertThat(twoMin.path("succeeded")).hasSize(120);
    assertThat(sum(twoMin.path("succeeded"))).isEqualTo(2); // now and a minute ago
    assertThat(sum(twoMin.path("failed"))).isZero();

    var quarter = s.stats(now, Throughput.windowSeconds("15m"));
    assertThat(quarter.path("bucket_seconds").asInt()).isEqualTo(15);
    assertThat(quarter.path("succeeded")).hasSize(60);
    assertThat(sum(quarter.path("succeeded"))).isEqualTo(15);
    assertThat(sum(quarter.path("failed"))).isEqualTo(1);

    var hour = s.stats(now, Throughput.windowSeconds("1h"));
    assertThat(hour.path("bucket_seconds").asInt()).isEqualTo(60);
    assertThat(hour.path("succeeded")).hasSize(60);
    assertThat(hour.path("succeeded").get(59).asLong()).isEqualTo(1);
    assertThat(sum(hour.path("succeeded"))).as("older than an hour is gone").isEqualTo(60);

    // a late event older than the ring reaches does not wipe the newest bucket
    finished(s, "late", now - 120, false);
    assertThat(s.stats(now, 1).path("succeeded").get(0).asLong()).isEqualTo(1);
    assertThatThrownBy(() -> Throughput.windowSeconds("2d")).hasMessageContaining("2m, 15m, 1h");
  }

  @Test
  void aLateStartedEventDoesNotUndoSuccess() {
    FleetState s = new FleetState(10);
    event(
        s,
        "{\"type\":\"task-succeeded\",\"uuid\":\"a\",\"result\":\"5\",\"runtime\":0.1,\"hostname\":\"w@h\",\"timestamp\":101.0}");
    event(s, "{\"type\":\"task-started\",\"uuid\":\"a\",\"hostname\":\"w@h\",\"timestamp\":100.5}");
    assertThat(s.task("a").path("state").asText()).isEqualTo("SUCCESS");
  }

  @Test
  void historyIsBoundedOldestFirst() {
    FleetState s = new FleetState(3);
    for (int i = 0; i < 10; i++) {
      event(
          s,
          "{\"type\":\"task-received\",\"uuid\":\"t"
              + i
              + "\",\"hostname\":\"w@h\",\"timestamp\":1.0}");
    }
    assertThat(s.taskCount()).isEqualTo(3);
    assertThat(s.task("t6")).isNull();
    assertThat(s.tasks(FleetState.TaskFilter.ALL, 10).findValuesAsText("uuid"))
        .containsExactly("t9", "t8", "t7");
    assertThat(s.stats(2, 1).path("tasks_evicted").asLong()).isEqualTo(7);
  }

  @Test
  void workersGoOfflineOnTheEventOrWhenHeartbeatsStop() {
    FleetState s = new FleetState(3);
    event(
        s,
        "{\"type\":\"worker-heartbeat\",\"hostname\":\"py@h\",\"freq\":2.0,\"sw_ident\":\"py-celery\",\"active\":1,\"processed\":7,\"timestamp\":100.0}");
    assertThat(s.worker("py@h", 101).path("online").asBoolean()).isTrue();
    assertThat(s.worker("py@h", 101).path("processed").asLong()).isEqualTo(7);
    assertThat(s.worker("py@h", 110).path("online").asBoolean()).isFalse();
    event(s, "{\"type\":\"worker-offline\",\"hostname\":\"py@h\",\"timestamp\":102.0}");
    assertThat(s.worker("py@h", 102).path("online").asBoolean()).isFalse();
  }

  @Test
  void badSettingsSayWhatToGive() {
    assertThatThrownBy(() -> new FleetState(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> DashboardSettings.defaults().withAuth("admin:"))
        .hasMessageContaining("user:password");
    assertThatThrownBy(() -> DashboardSettings.defaults().withPort(70000))
        .hasMessageContaining("0..65535");
  }
}
