package dev.apium.interop;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port with AOF on, that the test may stop and start
 * again on the same port and data directory. Never touches the shared server on 6379.
 */
final class PrivateRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;

  PrivateRedis() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    dir = Files.createTempDirectory("apium-redis-");
  }

  String url(int db) {
    return "redis://127.0.0.1:" + port + "/" + db;
  }

  PrivateRedis start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return this;
      } catch (IOException notYet) {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("private redis-server did not start on port " + port);
  }

  /** SIGTERM, as a service manager would; AOF with fsync always keeps every write. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
