package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Celery 5.2.6's own command line ({@code python3 -m celery -b <url> ...}) against a broker
 * and returns what it printed, for tests that check how Celery's tools see Apium workers. Used from
 * test threads.
 */
final class CeleryCli {
  private final String broker;

  CeleryCli(String broker) {
    this.broker = broker;
  }

  record Run(int exit, String out, String err) {
    JsonNode json() {
      assertThat(exit).as(err + out).isZero();
      return CeleryJson.parse(out.trim());
    }
  }

  Run run(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(PythonCelery.PYTHON, "-m", "celery", "-b", broker));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.redirectError(ProcessBuilder.Redirect.PIPE);
    Process p = builder.start();
    byte[] err;
    byte[] out;
    Thread errReader;
    final byte[][] errBox = new byte[1][];
    errReader =
        new Thread(
            () -> {
              try {
                errBox[0] = p.getErrorStream().readAllBytes();
              } catch (IOException e) {
                errBox[0] = new byte[0];
              }
            });
    errReader.start();
    out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("celery %s finished", List.of(args)).isTrue();
    errReader.join(10_000);
    err = errBox[0] == null ? new byte[0] : errBox[0];
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** {@code celery inspect <cmd> -j -d <node>}: the reply of that node. */
  JsonNode inspect(String node, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("inspect"));
    all.addAll(List.of(args));
    all.addAll(List.of("-j", "-d", node, "--timeout", "5"));
    JsonNode json = run(all.toArray(String[]::new)).json();
    assertThat(json.has(node)).as(json.toString()).isTrue();
    return json.get(node);
  }

  /** {@code celery control <cmd> -d <node>}: the text printed. */
  Run control(String node, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("control"));
    all.addAll(List.of(args));
    all.addAll(List.of("-d", node, "--timeout", "5"));
    return run(all.toArray(String[]::new));
  }
}
