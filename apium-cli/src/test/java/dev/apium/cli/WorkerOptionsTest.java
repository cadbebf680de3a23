package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing of the worker's Celery-style options: -A before the subcommand, --config, -X, help. */
class WorkerOptionsTest {
  @TempDir Path dir;

  private static WorkerCommand parseWorker(String... args) {
    CommandLine cli = ApiumCommand.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    return (WorkerCommand) parsed.subcommand().commandSpec().userObject();
  }

  private static String failure(String... args) {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void appBrokerAndBackendGoBeforeTheSubcommandAsInCelery() {
    WorkerCommand worker =
        parseWorker(
            "-A",
            NapTasks.class.getName(),
            "-b",
            "memory://b",
            "--backend",
            "memory://r",
            "worker");
    assertThat(worker.app.appClass()).isEqualTo(NapTasks.class.getName());
    assertThat(worker.app.broker()).isEqualTo("memory://b");
    assertThat(worker.app.backend()).isEqualTo("memory://r");
  }

  @Test
  void optionsAfterTheSubcommandWin() {
    WorkerCommand worker =
        parseWorker("-b", "memory://before", "--app", "x.Before", "worker", "-b", "memory://after");
    assertThat(worker.app.broker()).isEqualTo("memory://after");
    assertThat(worker.app.appClass()).isEqualTo("x.Before");
    assertThat(worker.app.backend()).isNull();
  }

  @Test
  void aConfigFileSetsSettingsAndFlagsWinOverIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("worker.properties"),
            "broker_url=memory://from-file\ntask_default_queue=from-file\ntask_time_limit=42\n");
    WorkerCommand worker =
        parseWorker("--config", file.toString(), "worker", "-b", "memory://flag");
    try (Apium app = worker.app.build()) {
      assertThat(app.brokerUrl()).isEqualTo("memory://flag");
      assertThat(app.config().get(ApiumConfig.DEFAULT_QUEUE)).isEqualTo("from-file");
      assertThat(app.config().get(ApiumConfig.TASK_TIME_LIMIT)).isEqualTo("42");
    }
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThat(failure("--config", dir.resolve("none.properties").toString(), "worker"))
        .startsWith("apium: --config ")
        .contains("none.properties: no such file");
  }

  @Test
  void excludedQueuesAreTakenOutOfTheConsumedOnes() {
    assertThat(WorkerCommand.consumedQueues(List.of("a", "b", "c"), List.of("b"), "celery"))
        .containsExactly("a", "c");
    assertThat(WorkerCommand.consumedQueues(List.of(), List.of("other"), "celery"))
        .containsExactly("celery");
    assertThatThrownBy(() -> WorkerCommand.consumedQueues(List.of(), List.of("celery"), "celery"))
        .hasMessage(
            "-X celery excludes every queue the worker would consume (celery): name the ones to"
                + " consume with -Q");
    assertThat(parseWorker("worker", "-X", "a,b", "--exclude-queues", "c").excludeQueues)
        .containsExactly("a", "b", "c");
  }

  @Test
  void celerysEverydayWorkerFlagsParse() {
    WorkerCommand worker =
        parseWorker(
            "worker",
            "--time-limit",
            "30",
            "--soft-time-limit",
            "25.5",
            "-f",
            "w-%h.log",
            "--pidfile",
            "w.pid",
            "--purge",
            "--max-tasks-per-child",
            "100");
    assertThat(worker.timeLimit).isEqualTo(30.0);
    assertThat(worker.softTimeLimit).isEqualTo(25.5);
    assertThat(worker.logfile).isEqualTo("w-%h.log");
    assertThat(worker.pidfile).isEqualTo(Path.of("w.pid"));
    assertThat(worker.purge).isTrue();
    assertThat(worker.maxTasksPerChild).isEqualTo(100);
  }

  @Test
  void aTimeLimitMustBePositive() {
    assertThat(failure("worker", "-b", "memory://t", "--time-limit", "0"))
        .startsWith("apium: --time-limit 0.0: give a number of seconds above 0");
  }

  @Test
  void helpShowsTheFlagsAndTheirDefaults() {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("worker", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--time-limit=SECONDS", "--soft-time-limit=SECONDS", "-f, --logfile=FILE")
        .contains("--pidfile=FILE", "-X, --exclude-queues=QUEUE", "--purge, --discard")
        .contains("--max-tasks-per-child=N", "has no effect", "--config=FILE")
        .contains("Default: threads", "Default: 60", "Default: INFO");
    StringWriter top = new StringWriter();
    cli.setOut(new PrintWriter(top));
    assertThat(cli.execute("--help")).isZero();
    assertThat(top.toString()).contains("-A, --app=<appClass>", "-b, --broker=<broker>");
  }
}
