package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
