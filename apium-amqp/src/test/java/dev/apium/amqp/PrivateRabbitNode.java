package dev.apium.amqp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of a test's own, on free ports (AMQP, distribution, epmd) with its own node name,
 * data, log and config files in a temporary directory owned by the {@code rabbitmq} user, so it can
 * be stopped and restarted without touching the shared node on 5672. Driven from the test thread;
 * {@link #close()} shuts the node and its epmd down and deletes the directory.
 */
final class PrivateRabbitNode implements AutoCloseable {
  private final Path dir;
  private final String node;
  private final int port;
  private final int epmdPort;
  private final Path script;
  private final boolean ownEpmd;

  PrivateRabbitNode() throws IOException {
    this(freePort(), true);
  }

  /**
   * A node that registers with the epmd on {@code epmdPort}, shared with the other nodes of a
   * {@link PrivateRabbitCluster}, which kills that epmd itself.
   */
  PrivateRabbitNode(int epmdPort, boolean ownEpmd) throws IOException {
    this.dir = Files.createTempDirectory("apium-rmq-");
    this.node = "apiumit" + UUID.randomUUID().toString().substring(0, 6) + "@localhost";
    this.port = freePort();
    int distPort = freePort();
    this.epmdPort = epmdPort;
    this.ownEpmd = ownEpmd;
    Files.createDirectories(dir.resolve("mnesia"));
    Files.createDirectories(dir.resolve("log"));
    Files.writeString(dir.resolve("rabbitmq.conf"), "");
    Files.writeString(dir.resolve("enabled_plugins"), "[].");
    Files.writeString(dir.resolve("env.conf"), "");
    this.script = dir.resolve("start.sh");
    Files.writeString(
        script,
        "export RABBITMQ_NODENAME="
            + node
            + " RABBITMQ_NODE_PORT="
            + port
            + " RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT="
            + distPort
            + " ERL_EPMD_PORT="
            + epmdPort
            + " RABBITMQ_MNESIA_BASE="
            + dir.resolve("mnesia")
            + " RABBITMQ_LOG_BASE="
            + dir.resolve("log")
            + " RABBITMQ_LOGS="
            + dir.resolve("log/node.log")
            + " RABBITMQ_CONFIG_FILE="
            + dir.resolve("rabbitmq.conf")
            + " RABBITMQ_ADVANCED_CONFIG_FILE="
            + dir.resolve("advanced.config")
            + " RABBITMQ_ENABLED_PLUGINS_FILE="
            + dir.resolve("enabled_plugins")
            + " RABBITMQ_CONF_ENV_FILE="
            + dir.resolve("env.conf")
            + " RABBITMQ_PID_FILE="
            + dir.resolve("pid")
            + "\nexec /usr/lib/rabbitmq/bin/rabbitmq-server\n");
    run("chmod", "-R", "a+rx", dir.toString());
    run("chown", "-R", "rabbitmq:rabbitmq", dir.toString());
  }

  /** The node's own directory (owned by {@code rabbitmq}), e.g. for TLS certificates. */
  Path dir() {
    return dir;
  }

  /** Appends lines to the node's rabbitmq.conf (before {@link #start()}) and re-owns its files. */
  void configure(String... lines) throws IOException {
    Files.writeString(
        dir.resolve("rabbitmq.conf"),
        String.join("\n", lines) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    run("chmod", "-R", "a+rX", dir.toString());
    run("chown", "-R", "rabbitmq:rabbitmq", dir.toString());
  }

  String url() {
    return "amqp://guest:guest@127.0.0.1:" + port + "//";
  }

  /** The Erlang node name, {@code apiumitXXXXXX@localhost}. */
  String node() {
    return node;
  }

  /** SIGKILL of the node's Erlang VM, as in a crash; {@link #start()} boots it again. */
  void kill() throws IOException {
    String pid = Files.readString(dir.resolve("pid")).trim();
    run("kill", "-9", pid);
    await().atMost(Duration.ofSeconds(30)).until(() -> !accepting());
  }

  /**
   * SIGSTOP of the node's Erlang VM: it hangs with every connection open, as behind a network
   * partition, so the clients' calls wait for their timeouts instead of failing at once; {@link
   * #resume()} lets it carry on.
   */
  void pause() throws IOException {
    run("kill", "-STOP", Files.readString(dir.resolve("pid")).trim());
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() throws IOException {
    run("kill", "-CONT", Files.readString(dir.resolve("pid")).trim());
  }

  /** Boots the node and waits until it accepts AMQP connections. */
  void start() throws IOException {
    new ProcessBuilder("su", "rabbitmq", "-s", "/bin/sh", "-c", script.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.log").toFile())
        .start();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(this::accepting);
  }

  /** Lowers RabbitMQ's consumer (delivery acknowledgement) timeout on the running node. */
  void setConsumerTimeout(Duration timeout) {
    ctl("eval", "application:set_env(rabbit, consumer_timeout, " + timeout.toMillis() + ").");
  }

  /** Shuts the node down (its data stays) and waits until the port is closed. */
  void stop() {
    ctl("shutdown");
    await().atMost(Duration.ofSeconds(60)).until(() -> !accepting());
  }

  boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code rabbitmqctl -n <node> args...} and returns its output. */
  String ctl(String... args) {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-n", node));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
    return exec(builder);
  }

  static void run(String... command) {
    exec(new ProcessBuilder(command).redirectErrorStream(true));
  }

  private static String exec(ProcessBuilder builder) {
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(builder.command() + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + builder.command(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + builder.command(), e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (accepting()) {
        stop();
      }
    } finally {
      try {
        if (ownEpmd) {
          run("epmd", "-port", Integer.toString(epmdPort), "-kill");
        }
      } finally {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
