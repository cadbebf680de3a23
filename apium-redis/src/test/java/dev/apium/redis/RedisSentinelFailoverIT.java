package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Broker and backend behind Redis Sentinel in kombu's URL form, on a private group (1 master, 1
 * replica, 3 sentinels on free ports; never the shared 6379): a worker and a client run a batch,
 * the master is SIGKILLed mid-batch and the sentinels promote the replica. Every task whose send
 * was acknowledged must run; duplicates (an ack or pop the replica never saw) are counted and
 * printed, and the reconnect is logged once per consumer, not once per retry.
 */
class RedisSentinelFailoverIT {
  private static final int TASKS = 300;
  private static final int KILL_AFTER = 100;

  private PrivateSentinelGroup group;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    group = new PrivateSentinelGroup().start();
    logs.start();
    ((Logger) LoggerFactory.getLogger("dev.apium")).addAppender(logs);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("dev.apium")).detachAppender(logs);
    group.close();
  }

  private Apium app(String name) {
    Apium.Builder builder =
        Apium.builder()
            .withoutEnvironment()
            .name(name)
            .broker(group.url(0))
            .backend(group.url(1))
            .config("visibility_timeout", 4)
            .config("redis_socket_timeout", 15)
            .config("task_publish_sync", true);
    group.transportOptions(TransportOptions.BROKER).forEach(builder::config);
    group.transportOptions(TransportOptions.BACKEND).forEach(builder::config);
    return builder.build();
  }

  private long outageLines(String start) {
    return logs.list.stream()
        .filter(e -> e.getLoggerName().endsWith("OutageLog"))
        .filter(e -> e.getFormattedMessage().startsWith(start))
        .count();
  }

  @Test
  void aFailoverMidBatchLosesNoAcknowledgedTask() throws Exception {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<String> acknowledged = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    AtomicLong killedAt = new AtomicLong();
    try (Apium workerApp = app("sentinel-worker");
        Apium client = app("sentinel-client")) {
      workerApp.register(
          "scale.record",
          call -> {
            String id = call.arg(0, String.class);
            runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return id;
          });
      try (Worker worker = workerApp.worker().nodename("w@sentinel").concurrency(4).start()) {
        List<AsyncResult<Object>> results = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
          if (i == KILL_AFTER) {
            assertThat(group.currentMasterPort()).isEqualTo(group.masterPort());
            group.killMaster();
            killedAt.set(System.nanoTime());
          }
          String id = "task-" + i;
          try {
            results.add(client.send("scale.record", id));
            acknowledged.add(id);
          } catch (RuntimeException e) {
            refused.add(id + ": " + e.getMessage());
          }
        }
        await("the sentinels promote the replica")
            .atMost(Duration.ofSeconds(20))
            .until(() -> group.currentMasterPort() == group.replicaPort());
        await("every acknowledged task runs")
            .atMost(Duration.ofSeconds(40))
            .until(() -> acknowledged.stream().allMatch(runs::containsKey));
        long recovered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt.get());
        Set<String> lost = new java.util.TreeSet<>(acknowledged);
        lost.removeAll(runs.keySet());
        long duplicates = runs.values().stream().filter(n -> n.get() > 1).count();
        int resultsRead = 0;
        for (AsyncResult<Object> result : results) {
          if (result.id() != null && result.get(Duration.ofSeconds(10)) != null) {
            resultsRead++;
          }
        }
        long lostLogs = outageLines("lost Redis");
        long backLogs = outageLines("reconnected to Redis at 127.0.0.1:" + group.replicaPort());
        System.out.printf(
            "SCALE sentinel-failover sent=%d acknowledged=%d refused=%d completed=%d lost=%d"
                + " duplicated=%d results=%d recover_ms=%d outage_logs=%d reconnect_logs=%d%n",
            TASKS,
            acknowledged.size(),
            refused.size(),
            runs.size(),
            lost.size(),
            duplicates,
            resultsRead,
            recovered,
            lostLogs,
            backLogs);
        assertThat(lost).isEmpty();
        assertThat(refused).isEmpty();
        assertThat(resultsRead).isEqualTo(acknowledged.size());
        // once per connector (worker and client each have a broker and a backend), not per retry
        assertThat(lostLogs).isBetween(1L, 4L);
        assertThat(backLogs).isEqualTo(lostLogs);
      }
    }
  }
}
