package dev.apium.beat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.Apium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeatFileTest {
  @TempDir Path dir;
  private final Apium app = Apium.builder().withoutEnvironment().broker("memory://").build();

  @AfterEach
  void close() {
    app.close();
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void readsEveryScheduleFormShapedLikeCeleryBeatSchedule() throws IOException {
    Path file =
        write(
            "apium-beat.yaml",
            """
            add-every-30:
              task: tasks.add
              schedule: 30.0
              args: [16, 16]
            cleanup:
              task: tasks.cleanup
              schedule: 5m
              kwargs: {older_than: 7}
              options: {queue: maintenance, priority: 7, expires: 60}
              missed: skip
            nightly-report:
              task: reports.nightly
              schedule: "0 3 * * mon-fri"
              timezone: Europe/Paris
            weekend:
              task: reports.weekend
              schedule: {minute: "0", hour: "*/6", day_of_week: "sat,sun"}
            launch:
              task: rockets.launch
              schedule: {at: "2030-01-01T09:00:00Z"}
            """);
    List<BeatEntry> entries = BeatFile.read(file);
    assertThat(entries)
        .extracting(BeatEntry::name)
        .containsExactly("add-every-30", "cleanup", "nightly-report", "weekend", "launch");
    assertThat(entries.get(0).schedule()).isEqualTo(Schedule.every(Duration.ofSeconds(30)));
    assertThat(entries.get(0).args()).containsExactly(16, 16);
    BeatEntry cleanup = entries.get(1);
    assertThat(cleanup.schedule()).isEqualTo(Schedule.every(Duration.ofMinutes(5)));
    assertThat(cleanup.kwargs()).isEqualTo(Map.of("older_than", 7));
    assertThat(cleanup.queue()).isEqualTo("maintenance");
    assertThat(cleanup.priority()).isEqualTo(7);
    assertThat(cleanup.expires()).isEqualTo(Duration.ofMinutes(1));
    assertThat(cleanup.missed()).isEqualTo(MissedRuns.SKIP);
    assertThat(entries.get(2).schedule())
        .isEqualTo(Crontab.parse("0 3 * * 1-5").in(ZoneId.of("Europe/Paris")));
    assertThat(entries.get(3).schedule()).isEqualTo(Crontab.parse("0 */6 * * 6,0"));
    assertThat(entries.get(4).schedule())
        .isEqualTo(Schedule.at(Instant.parse("2030-01-01T09:00:00Z")));
    assertThat(app.beat().file(file).build().entries()).hasSize(5);
  }

  @Test
  void aTypoNamesTheEntryAndTheField() throws IOException {
    Path typo =
        write(
            "typo.yaml",
            """
            nightly-report:
              task: reports.nightly
              shedule: "0 3 * * *"
            """);
    assertThatThrownBy(() -> BeatFile.read(typo))
        .hasMessageStartingWith(
            "beat entry 'nightly-report': field 'shedule': unknown field; known fields are [args,")
        .hasMessageEndingWith("(in " + typo + ")");
    Path badCron = write("cron.yaml", "nightly-report:\n  task: r.n\n  schedule: '61 * * * *'\n");
    assertThatThrownBy(() -> BeatFile.read(badCron))
        .hasMessageStartingWith(
            "beat entry 'nightly-report': field 'schedule': '61 * * * *' is not a valid crontab:"
                + " minute 61 out of range 0-59");
    Path badOption = write("opt.yaml", "sync:\n  task: s\n  schedule: 10\n  options: {qeue: x}\n");
    assertThatThrownBy(() -> BeatFile.read(badOption))
        .hasMessageStartingWith("beat entry 'sync': field 'options.qeue': unknown option");
    Path noTask = write("task.yaml", "sync:\n  schedule: 10s\n");
    assertThatThrownBy(() -> BeatFile.read(noTask))
        .hasMessageStartingWith("beat entry 'sync': field 'task': missing");
    Path badZone = write("zone.yaml", "sync:\n  task: s\n  schedule: 10s\n  timezone: Mars/Base\n");
    assertThatThrownBy(() -> BeatFile.read(badZone))
        .hasMessageStartingWith(
            "beat entry 'sync': field 'timezone': 'Mars/Base' is not a time zone");
    Path badInterval = write("every.yaml", "sync:\n  task: s\n  schedule: 10 parsecs\n");
    assertThatThrownBy(() -> BeatFile.read(badInterval))
        .hasMessageStartingWith("beat entry 'sync': field 'schedule': '10 parsecs' is neither");
  }

  @Test
  void readsPropertiesToo() throws IOException {
    Path file =
        write(
            "apium-beat.properties",
            """
            reports.nightly.task=reports.nightly
            reports.nightly.schedule=0 3 * * *
            reports.nightly.args=[1, "two"]
            reports.nightly.options.queue=reports
            tick.task=tasks.tick
            tick.schedule=10
            """);
    List<BeatEntry> entries = BeatFile.read(file);
    assertThat(entries).extracting(BeatEntry::name).containsExactly("reports.nightly", "tick");
    assertThat(entries.get(0).args()).containsExactly(1, "two");
    assertThat(entries.get(0).queue()).isEqualTo("reports");
    assertThat(entries.get(1).schedule()).isEqualTo(Schedule.every(Duration.ofSeconds(10)));
    Path typo = write("typo.properties", "tick.task=t\ntick.shedule=10\n");
    assertThatThrownBy(() -> BeatFile.read(typo))
        .hasMessageStartingWith("beat entry 'tick': field 'shedule': unknown field");
  }

  @Test
  void codeDefinedEntriesReportTheirErrorsToo() {
    assertThatThrownBy(() -> app.beat().cron("nightly", "0 25 * * *", "r.n"))
        .hasMessage(
            "beat entry 'nightly': field 'schedule': '0 25 * * *' is not a valid crontab: hour 25"
                + " out of range 0-23");
    Beat.Builder beat = Beat.builder(app).every("tick", Duration.ofSeconds(1), "t");
    assertThatThrownBy(() -> beat.every("tick", Duration.ofSeconds(2), "t"))
        .hasMessageContaining("beat entry 'tick' is defined twice");
    assertThatThrownBy(() -> app.beat().every("zero", Duration.ZERO, "t"))
        .hasMessageContaining("an interval must be positive");
  }
}
