package dev.apium.amqp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A RabbitMQ cluster of a test's own on this machine: {@code size} {@link PrivateRabbitNode}s with
 * distinct node names and ports, one shared epmd on a free port and the Erlang cookie of the {@code
 * rabbitmq} user they all run as. All boot at once; the others find the first through {@code
 * classic_config} peer discovery and join it (what {@code rabbitmqctl join_cluster} does by hand).
 * {@link #close()} kills every node and the epmd, also when the test failed. Driven from the test
 * thread.
 */
final class PrivateRabbitCluster implements AutoCloseable {
  private final int epmdPort = PrivateRabbitNode.freePort();
  private final List<PrivateRabbitNode> nodes = new ArrayList<>();

  PrivateRabbitCluster(int size) throws IOException {
    for (int i = 0; i < size; i++) {
      nodes.add(new PrivateRabbitNode(epmdPort, false));
    }
    for (PrivateRabbitNode joiner : nodes.subList(1, size)) {
      joiner.configure(
          "cluster_formation.peer_discovery_backend = classic_config",
          "cluster_formation.classic_config.nodes.1 = " + nodes.get(0).node(),
          "cluster_formation.discovery_retry_limit = 120",
          "cluster_formation.discovery_retry_interval = 1000");
    }
  }

  /**
   * Boots every node at once (the joiners retry discovery until the first node answers) and waits
   * until all run as one cluster.
   */
  PrivateRabbitCluster start() throws IOException {
    long started = System.nanoTime();
    try {
      CompletableFuture.allOf(
              nodes.stream()
                  .map(
                      node ->
                          CompletableFuture.runAsync(
                              () -> {
                                try {
                                  node.start();
                                } catch (IOException e) {
                                  throw new CompletionException(e);
                                }
                              }))
                  .toArray(CompletableFuture[]::new))
          .join();
    } catch (CompletionException e) {
      throw new IOException("a cluster node did not start", e.getCause());
    }
    await("all " + nodes.size() + " nodes run as one cluster")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> running(nodes.get(0)) == nodes.size());
    System.out.printf(
        "private RabbitMQ cluster of %d nodes up in %d ms%n",
        nodes.size(), (System.nanoTime() - started) / 1_000_000);
    return this;
  }

  private static int running(PrivateRabbitNode node) {
    String out = node.ctl("eval", "rabbit_mnesia:cluster_nodes(running).");
    return out.split("@", -1).length - 1;
  }

  PrivateRabbitNode node(int index) {
    return nodes.get(index);
  }

  /** Celery's failover form: every node, {@code amqp://guest:guest@127.0.0.1:p1//;amqp://...}. */
  String url() {
    return nodes.stream().map(PrivateRabbitNode::url).collect(Collectors.joining(";"));
  }

  /**
   * SIGKILLs every node still running, all at once (their data is thrown away: a graceful {@code
   * rabbitmqctl shutdown} per node would add seconds each), then deletes their directories and the
   * epmd.
   */
  @Override
  public void close() {
    CompletableFuture.allOf(
            nodes.stream()
                .map(
                    node ->
                        CompletableFuture.runAsync(
                            () -> {
                              try {
                                if (node.accepting()) {
                                  node.kill();
                                }
                              } catch (IOException | RuntimeException e) {
                                // close() below shuts it down the slow way
                              }
                            }))
                .toArray(CompletableFuture[]::new))
        .join();
    RuntimeException first = null;
    for (PrivateRabbitNode node : nodes) {
      try {
        node.close();
      } catch (IOException | RuntimeException e) {
        first = first == null ? new IllegalStateException("closing " + node.node(), e) : first;
      }
    }
    try {
      PrivateRabbitNode.run("epmd", "-port", Integer.toString(epmdPort), "-kill");
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }
}
