package dev.apium.cli;

import dev.apium.spi.Threads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the class-data training's own, started only when one is installed (on the
 * {@code PATH}): on a free loopback port, keeping nothing on disk, stopped when the training ends.
 * With it the training runs a worker over the Redis transport too, so the archive holds that
 * transport's classes and (on an AOT cache) its method profiles; the user's own servers are never
 * touched, and {@code APIUM_TRAINING_REDIS=off} leaves it out. Used by {@link ClassDataTraining}'s
 * main thread; a daemon thread reads the server's output.
 */
final class TrainingRedis implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(5);

  /** The environment variable that, set to {@code off}, leaves this server out of the training. */
  static final String SWITCH = "APIUM_TRAINING_REDIS";

  private final Process process;
  private final int port;

  private TrainingRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The broker URL of this server's database {@code db}. */
  String url(int db) {
    return "redis://127.0.0.1:" + port + "/" + db;
  }

  /**
   * Starts a private redis-server if one is on the {@code PATH} and it says it is ready within
   * {@link #READY_WITHIN}; empty otherwise (why is printed: the launcher keeps the training's
   * output).
   */
  static Optional<TrainingRedis> start() {
    if ("off".equals(System.getenv(SWITCH))) {
      System.err.println("training: " + SWITCH + "=off; the Redis transport is not trained");
      return Optional.empty();
    }
    Process process;
    int port;
    try {
      port = freePort();
      process =
          new ProcessBuilder(
                  List.of(
                      "redis-server", // looked up on the PATH
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--dir",
                      System.getProperty("java.io.tmpdir")))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      System.err.println(
          "training: no redis-server to start (" + e.getMessage() + "); Redis is not trained");
      return Optional.empty();
    }
    if (!ready(process)) {
      System.err.println("training: redis-server did not start; Redis is not trained");
      process.destroyForcibly();
      return Optional.empty();
    }
    TrainingRedis redis = new TrainingRedis(process, port);
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "apium-training-redis-stop"));
    return Optional.of(redis);
  }

  /**
   * Whether the server said it is ready before its output ended or {@link #READY_WITHIN} passed;
   * the rest of its output is read (and dropped) by a daemon thread so that it never blocks.
   */
  private static boolean ready(Process process) {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Threads.daemon(
            "apium-training-redis-output",
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.contains("Ready to accept connections")) {
                    ready.complete(true);
                  }
                }
              } catch (IOException ended) {
                // the server stopped
              }
              ready.complete(false);
            })
        .start();
    try {
      return ready.get(READY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception notInTime) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Whether the server still runs. */
  boolean running() {
    return process.isAlive();
  }

  /** Stops the server (it keeps nothing). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
