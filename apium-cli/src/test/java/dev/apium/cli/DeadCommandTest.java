package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.spi.Delivery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code apium dead} against an SQLite broker holding two dead letters. */
class DeadCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void listShowReplayAndPurge() throws Exception {
    String url = "sqlite:" + dir.resolve("dead.db");
    String id;
    try (Apium app = Apium.builder().withoutEnvironment().broker(url).backend(url).build()) {
      id =
          app.send("no.such.task", List.of(1), java.util.Map.of(), CallOptions.create().queue("q"))
              .id();
      app.send("no.such.task", List.of(2), java.util.Map.of(), CallOptions.create().queue("q"));
    }
    try (Apium app = Apium.builder().withoutEnvironment().broker(url).backend(url).build()) {
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (var s = app.broker().consume(List.of("q"), 2, got::add)) {
        got.poll(10, TimeUnit.SECONDS).deadLetter("unknown task for the test");
        got.poll(10, TimeUnit.SECONDS).deadLetter("unknown task for the test");
      }
    }
    Run list = run("dead", "list", "-b", url);
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("no.such.task", "unknown task for the test").contains("q");

    Run show = run("dead", "show", id, "-b", url);
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("task id:  " + id, "reason:   unknown task for the test");
    assertThat(run("dead", "show", "nope", "-b", url).err()).contains("no dead letter nope");

    assertThat(run("dead", "replay", id, "-b", url).out()).contains("replayed " + id);
    assertThat(run("dead", "replay", "-b", url).code()).isEqualTo(2);
    try (Apium app = Apium.builder().withoutEnvironment().broker(url).backend(url).build()) {
      assertThat(app.broker().size("q")).isEqualTo(1);
    }
    assertThat(run("dead", "purge", "-b", url).code()).isEqualTo(2);
    assertThat(run("dead", "purge", "-f", "-b", url).out()).contains("purged 1 dead letter(s)");
    assertThat(run("dead", "list", "-b", url).out()).contains("no dead letters");
  }
}
