package dev.apium.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Sentinel-managed Redis of a test's own on free loopback ports: one master, one replica and
 * three sentinels (quorum 2, down after 1 s), each a child {@code redis-server} with its data in a
 * temporary directory. {@link #killMaster()} SIGKILLs the current master; {@link #close()} kills
 * every process it started, also from a shutdown hook if the test JVM dies first. Driven from the
 * test thread.
 */
final class PrivateSentinelGroup implements AutoCloseable {
  static final String MASTER = "apiummaster";

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final int[] redisPorts = new int[2];
  private final int[] sentinelPorts = new int[3];
  private final Thread reaper = new Thread(this::killAll, "sentinel-group-reaper");
  private Process master;

  PrivateSentinelGroup() throws IOException {
    dir = Files.createTempDirectory("apium-sentinel-");
    for (int i = 0; i < redisPorts.length; i++) {
      redisPorts[i] = freePort();
    }
    for (int i = 0; i < sentinelPorts.length; i++) {
      sentinelPorts[i] = freePort();
    }
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** kombu's form: {@code sentinel://127.0.0.1:p1;sentinel://127.0.0.1:p2;...}/db. */
  String url(int db) {
    StringBuilder out = new StringBuilder();
    for (int port : sentinelPorts) {
      out.append(out.length() == 0 ? "" : ";").append("sentinel://127.0.0.1:").append(port);
    }
    return out.append('/').append(db).toString();
  }

  Map<String, Object> transportOptions(String setting) {
    return Map.of(setting + ".master_name", MASTER);
  }

  int masterPort() {
    return redisPorts[0];
  }

  int replicaPort() {
    return redisPorts[1];
  }

  /** Starts all five processes and returns once the sentinels know the replica and each other. */
  PrivateSentinelGroup start() throws IOException, InterruptedException {
    master = redis(redisPorts[0]);
    redis(redisPorts[1], "--replicaof", "127.0.0.1", Integer.toString(redisPorts[0]));
    for (int i = 0; i < sentinelPorts.length; i++) {
      Path conf = dir.resolve("sentinel-" + i + ".conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "port " + sentinelPorts[i],
              "bind 127.0.0.1",
              "dir " + dir,
              "sentinel monitor " + MASTER + " 127.0.0.1 " + redisPorts[0] + " 2",
              "sentinel down-after-milliseconds " + MASTER + " 1000",
              "sentinel failover-timeout " + MASTER + " 4000",
              "sentinel parallel-syncs " + MASTER + " 1",
              ""));
      start("sentinel-" + i, sentinelPorts[i], conf.toString(), "--sentinel");
    }
    awaitReady();
    return this;
  }

  /** SIGKILL of the master, as in a crash; the sentinels promote the replica. */
  void killMaster() throws InterruptedException {
    master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** The master's port according to the first sentinel still answering. */
  int currentMasterPort() {
    for (int port : sentinelPorts) {
      try (RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
          StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
        return ((InetSocketAddress) c.sync().getMasterAddrByName(MASTER)).getPort();
      } catch (RuntimeException unreachable) {
        // ask the next one
      }
    }
    throw new IllegalStateException("no sentinel answers");
  }

  private void awaitReady() {
    org.awaitility.Awaitility.await("sentinels discover the replica and each other; logs in " + dir)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(this::sentinelsAgree);
  }

  private boolean sentinelsAgree() {
    for (int port : sentinelPorts) {
      try (RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
          StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
        Map<String, String> master = c.sync().master(MASTER);
        if (!"1".equals(master.get("num-slaves"))
            || !"2".equals(master.get("num-other-sentinels"))) {
          return false;
        }
      } catch (RuntimeException notYet) {
        return false;
      }
    }
    try (RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redisPorts[1]));
        StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().info("replication").contains("master_link_status:up");
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private Process redis(int port, String... more) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--dbfilename",
                "dump-" + port + ".rdb"));
    args.addAll(List.of(more));
    return start("redis-" + port, port, args.toArray(String[]::new));
  }

  private Process start(String name, int port, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-server"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    processes.add(process);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return process;
      } catch (IOException notYet) {
        if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    }
    throw new IllegalStateException(name + " did not start on port " + port + "; see " + dir);
  }

  private void killAll() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
