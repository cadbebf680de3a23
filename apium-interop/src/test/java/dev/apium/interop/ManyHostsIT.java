package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Many hosts on one machine: a private redis-server on its own network namespace, three {@code
 * apium worker} child JVMs on three others, the client in the test JVM reaching them through a
 * bridge. Three faults strike mid-batch, one batch each: a worker's link is cut until the other two
 * have run the whole batch, then restored; a worker is paused (SIGSTOP) past the visibility timeout
 * and resumed; the broker is restarted (SIGTERM, AOF with fsync always). Every task of every batch
 * must complete; duplicates are counted and printed. The visibility timeout is 5 s here (it is what
 * gives a silent worker's tasks to the others on Redis today). Then the image example crosses the
 * same hosts with its pictures inline ({@link HostsImages}). Skips with one line without root.
 */
class ManyHostsIT {
  private static final int BATCH = 60;
  private static final long TASK_MILLIS = 150;

  @Test
  void everyTaskCompletesThroughALinkCutAPausedWorkerAndABrokerRestart() throws Exception {
    String why = NetnsHosts.unavailable();
    Assumptions.assumeTrue(why == null, () -> "ManyHostsIT skipped: " + why);
    Path logs = Files.createDirectories(Path.of("target", "worker-logs"));
    try (NetnsHosts hosts = new NetnsHosts()) {
      String broker = hosts.add("broker");
      Path data = Files.createTempDirectory("apium-netns-redis-");
      File redisLog = logs.resolve("scale-broker.log").toFile();
      Process[] redis = {startRedis(hosts, broker, data, redisLog)};
      String url = "redis://" + broker + ":6379/0";
      String recordUrl = "redis://" + broker + ":6379/1";
      List<Process> workers = new ArrayList<>();
      for (String name : List.of("w1", "w2", "w3")) {
        hosts.add(name);
        workers.add(
            hosts.exec(
                name,
                logs.resolve("scale-" + name + ".log").toFile(),
                Map.of("APIUM_VISIBILITY_TIMEOUT", "5", "SCALE_RECORD_URL", recordUrl),
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.apium.cli.ApiumCommand",
                    "worker",
                    "-A",
                    ScaleHostTasks.class.getName(),
                    "-b",
                    url,
                    "--backend",
                    url,
                    "-c",
                    "2",
                    "-n",
                    name + "@" + name)));
      }
      RedisClient recorderClient = RedisClient.create(recordUrl);
      try (Apium client =
              Apium.builder()
                  .withoutEnvironment()
                  .broker(url)
                  .backend(url)
                  .config("visibility_timeout", 5)
                  .build();
          StatefulRedisConnection<String, String> recorder = recorderClient.connect()) {
        await("three workers on three hosts answer ping")
            .atMost(Duration.ofSeconds(120))
            .failFast(
                "a worker process exited; see target/worker-logs/scale-w*.log",
                () -> workers.stream().anyMatch(p -> !p.isAlive()))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> client.control().ping(Duration.ofSeconds(1)).size() == 3);
        Batch cut = new Batch("link-cut", client, recorder);
        cut.strike(
            () -> hosts.cut("w1"),
            () -> {
              cut.awaitEveryTaskStarted();
              hosts.restore("w1");
            });
        Batch pause = new Batch("sigstop", client, recorder);
        long paused = workers.get(1).pid();
        pause.strike(
            () -> NetnsHosts.run("kill", "-STOP", Long.toString(paused)),
            () -> {
              pause.awaitEveryTaskStarted();
              NetnsHosts.run("kill", "-CONT", Long.toString(paused));
            });
        Batch restart = new Batch("broker-restart", client, recorder);
        restart.strike(
            () -> {
              redis[0].destroy();
              assertThat(redis[0].waitFor(20, TimeUnit.SECONDS)).isTrue();
              redis[0] = startRedis(hosts, broker, data, redisLog);
            },
            () -> {});
        for (Batch batch : List.of(cut, pause, restart)) {
          batch.report();
        }
        for (Batch batch : List.of(cut, pause, restart)) {
          assertThat(batch.lost).as("lost in %s", batch.fault).isZero();
          assertThat(batch.completed).as("completed in %s", batch.fault).isEqualTo(BATCH);
        }
        HostsImages.runAcross(client);
      } finally {
        recorderClient.shutdown();
      }
    }
  }

  /** One batch of tasks, the fault struck when a quarter of it has started, and its figures. */
  private static final class Batch {
    final String fault;
    final Apium client;
    final StatefulRedisConnection<String, String> recorder;
    final List<AsyncResult<Object>> results = new ArrayList<>();
    int completed;
    int failed;
    int lost;
    int duplicated;
    long recoverMillis;

    Batch(String fault, Apium client, StatefulRedisConnection<String, String> recorder) {
      this.fault = fault;
      this.client = client;
      this.recorder = recorder;
    }

    interface Step {
      void run() throws Exception;
    }

    void strike(Step fault, Step heal) throws Exception {
      for (int i = 0; i < BATCH; i++) {
        results.add(client.send("scale.mark", this.fault + "-" + i, TASK_MILLIS));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> started().size() >= BATCH / 4);
      long struck = System.nanoTime();
      fault.run();
      heal.run();
      try {
        await("every task of the " + this.fault + " batch has its result")
            .atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> results.stream().allMatch(AsyncResult::successful));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // counted below, and the test fails on lost > 0
      }
      completed = (int) results.stream().filter(AsyncResult::successful).count();
      failed = (int) results.stream().filter(AsyncResult::failed).count();
      lost = BATCH - completed - failed;
      recoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - struck);
      List<String> runs = executions();
      duplicated = runs.size() - new HashSet<>(runs).size();
    }

    void awaitEveryTaskStarted() {
      await("the other workers take over the batch during " + fault)
          .atMost(Duration.ofSeconds(40))
          .until(() -> started().size() == BATCH);
    }

    private Set<String> started() {
      return new HashSet<>(executions());
    }

    private List<String> executions() {
      return recorder.sync().lrange(ScaleTasks.EXECUTIONS, 0, -1).stream()
          .filter(tag -> tag.startsWith(fault + "-"))
          .toList();
    }

    void report() {
      System.out.printf(
          "SCALE many-hosts fault=%s sent=%d completed=%d failed=%d lost=%d duplicated=%d"
              + " recover_ms=%d%n",
          fault, BATCH, completed, failed, lost, duplicated, recoverMillis);
    }
  }

  /** redis-server in the broker's namespace; {@code ip netns exec} execs it, so its pid is ours. */
  private static Process startRedis(NetnsHosts hosts, String address, Path data, File log)
      throws IOException {
    Process process =
        hosts.exec(
            "broker",
            log,
            Map.of(),
            List.of(
                "redis-server",
                "--port",
                "6379",
                "--bind",
                "0.0.0.0",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                data.toString()));
    await("redis-server on " + address)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> reachable(address));
    return process;
  }

  private static boolean reachable(String address) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, 6379), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
