package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the TLS ITs share: running {@code openssl} in a test's folder (to make a throwaway CA and
 * certificates) and starting a private {@code redis-server} there that the test then stops. Called
 * from the test thread.
 */
final class TlsRedisServer {
  private TlsRedisServer() {}

  /** Runs a command in {@code dir}; fails the test with its output unless it exits 0. */
  static void run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(new File(dir.toFile(), "openssl.log"))
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
  }

  /**
   * Starts a private, unpersisted redis-server in {@code dir} serving TLS only on {@code port}
   * (loopback) with the given PEM files (relative to {@code dir}); {@code authClients} is its
   * {@code tls-auth-clients} value ({@code yes} or {@code no}); {@code extra} are further options.
   */
  static Process startTls(
      Path dir, int port, String cert, String key, String ca, String authClients, String... extra)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--tls-cert-file",
                cert,
                "--tls-key-file",
                key,
                "--tls-ca-cert-file",
                ca,
                "--tls-auth-clients",
                authClients));
    command.addAll(List.of(extra));
    command.addAll(List.of("--save", "", "--appendonly", "no", "--dir", dir.toString()));
    return start(dir, port, command.toArray(String[]::new));
  }

  /** Starts {@code command} (a redis-server) in {@code dir}; returns once {@code port} accepts. */
  static Process start(Path dir, int port, String... command) throws Exception {
    Process server =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
              }
            });
    return server;
  }
}
