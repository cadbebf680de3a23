package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real processes on one SQLite file: a child JVM publishes while this one consumes, so nothing
 * reaches this process by in-process wake-ups: consumers, fan-out and result waiters find the
 * child's writes by polling.
 */
class SqliteCrossProcessTest {
  @TempDir Path dir;

  @Test
  void anotherProcessPublishesStoresAndBroadcasts() throws Exception {
    String url = "sqlite:" + dir.resolve("shared.db");
    int count = 300;
    ApiumConfig config = ApiumConfig.of(Map.of());
    try (Broker broker = new JdbcTransportFactory().createBroker(url, config);
        ResultBackend backend = new JdbcTransportFactory().createBackend(url, config)) {
      Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
      for (int c = 0; c < 2; c++) {
        broker.consume(
            List.of("xproc"),
            10,
            d -> {
              seen.computeIfAbsent(Messages.id(d.message()), k -> new AtomicInteger())
                  .incrementAndGet();
              d.ack();
            });
      }
      List<String> events = new CopyOnWriteArrayList<>();
      broker.subscribeFanout("celeryev", "worker.#", m -> events.add(Messages.id(m)));
      CompletableFuture<ResultMeta> result = backend.awaitReady("child-result");

      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrossProcessChild.class.getName(),
                  url,
                  String.valueOf(count))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("child.log").toFile())
              .start();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exits within 60 s").isTrue();
      assertThat(child.exitValue()).as("child exit code").isZero();

      assertThat(result.get(10, TimeUnit.SECONDS).result().asText()).isEqualTo("hi");
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == count);
      assertThat(seen.values()).allMatch(n -> n.get() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("child-event"));
      assertThat(events).containsExactly("child-event");
    }
  }
}
