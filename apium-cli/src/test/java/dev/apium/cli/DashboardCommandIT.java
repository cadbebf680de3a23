package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code apium dashboard} serves the dashboard on the given port against Redis (db 0) and refuses
 * actions without {@code --auth}; bad {@code --auth} is a one-line error.
 */
class DashboardCommandIT {
  private static final String REDIS = "redis://127.0.0.1:6379/0";

  @Test
  void servesTheDashboard() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String[] args = {
      "dashboard",
      "-b",
      REDIS,
      "--backend",
      REDIS,
      "--port",
      Integer.toString(port),
      "--duration",
      "30"
    };
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(() -> ApiumCommand.commandLine().execute(args));
    HttpClient http = HttpClient.newHttpClient();
    URI workers = URI.create("http://127.0.0.1:" + port + "/api/workers");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(workers).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("Apium dashboard", "id=\"tasks\"");
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/workers/x@y/shutdown"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("--auth");
    assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void badAuthIsOneClearLine() {
    CommandLine cli = ApiumCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("dashboard", "-b", REDIS, "--port", "0", "--auth", "admin:");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("apium: dashboard auth 'admin:'")
        .doesNotContain("\n");
  }
}
