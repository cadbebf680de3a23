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
    assertThat(s.stats(103.5, 5).path("failed_per_second").toString()).isEqualTo("[0,0,1,0,0]");
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
