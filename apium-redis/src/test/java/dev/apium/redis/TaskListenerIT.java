package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskError;
import dev.apium.TaskFailedException;
import dev.apium.listen.OutgoingTask;
import dev.apium.listen.TaskInfo;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@link TaskListener} sees each lifecycle step of tasks that succeed, fail, retry, are revoked
 * (before they run and while they run) and are rejected, in order and once each, across a real
 * Redis broker and backend (db 10, a queue per test).
 */
class TaskListenerIT {
  static RedisTestSupport redis;

  @BeforeAll
  static void open() {
    redis = new RedisTestSupport(10);
  }

  @AfterAll
  static void close() {
    redis.close();
  }

  /** Records "step id" lines; headers and arguments it saw go to the side lists. */
  static final class Recorder implements TaskListener {
    final List<String> steps = new ArrayList<>();
    final List<String> seenHeaders = new ArrayList<>();
    final List<String> argsReprs = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    synchronized List<String> of(String id) {
      return steps.stream()
          .filter(s -> s.endsWith(" " + id))
          .map(s -> s.substring(0, s.indexOf(' ')))
          .toList();
    }

    private synchronized void add(String step, String id) {
      steps.add(step + " " + id);
    }

    @Override
    public void beforePublish(OutgoingTask task) {
      task.header("x-seen-by", "recorder");
      add("beforePublish", task.id());
    }

    @Override
    public void afterPublish(OutgoingTask task, Throwable error) {
      add(error == null ? "afterPublish" : "publishFailed", task.id());
    }

    @Override
    public void received(TaskInfo task) {
      synchronized (this) {
        seenHeaders.add(String.valueOf(task.headers().get("x-seen-by")));
        argsReprs.add(task.argsRepr());
      }
      add("received", task.id());
    }

    @Override
    public void started(TaskInfo task) {
      add("started", task.id());
    }

    @Override
    public void succeeded(TaskInfo task, JsonNode result, Duration runtime) {
      assertThat(runtime).isPositive();
      add("succeeded", task.id());
    }

    @Override
    public void failed(TaskInfo task, ExceptionInfo error, String traceback) {
      synchronized (this) {
        failures.add(error.type() + ": " + error.message() + " | " + (traceback != null));
      }
      add("failed", task.id());
    }

    @Override
    public void retried(TaskInfo task, ExceptionInfo cause, String traceback) {
      add("retried", task.id());
    }

    @Override
    public void revoked(TaskInfo task, String reason) {
      add("revoked:" + reason, task.id());
    }

    @Override
    public void rejected(String taskId, String taskName, String queue, String reason) {
      add("rejected:" + taskName, taskId);
    }

    @Override
    public void ended(TaskInfo task) {
      add("ended", task.id());
    }

    @Override
    public void workerReady(Worker worker) {
      add("workerReady", worker.nodename());
    }

    @Override
    public void workerStopping(Worker worker) {
      add("workerStopping", worker.nodename());
    }
  }

  private static Apium app(TaskListener listener) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(redis.url())
        .backend(redis.url())
        .listener(listener)
        .build();
  }

  @Test
  void everyStepOfEveryEndIsSeenOnceInOrder() throws Exception {
    String queue = RedisTestSupport.unique("listen");
    String node = RedisTestSupport.unique("listen") + "@test";
    Recorder client = new Recorder();
    Recorder seen = new Recorder();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    try (Apium worker = app(seen);
        Apium caller = app(client)) {
      worker.register("l.add", call -> call.arg(0, Integer.class) + call.arg(1, Integer.class));
      worker.register(
          "l.fail",
          call -> {
            throw new TaskError("ValueError", "bad input");
          });
      worker.register(
          "l.flaky",
          call -> {
            if (call.context().retries() == 0) {
              throw call.context().retry(Duration.ZERO, new TaskError("IOError", "busy"));
            }
            return "ok";
          });
      worker.register(
          "l.block",
          call -> {
            blocking.countDown();
            return release.await(60, TimeUnit.SECONDS);
          });
      CallOptions toQueue = CallOptions.create().queue(queue);
      try (Worker w = worker.worker().queues(queue).nodename(node).concurrency(2).start()) {
        AsyncResult<Object> ok =
            caller.send(
                "l.add",
                List.of(2, 3),
                Map.of(),
                CallOptions.create().queue(queue).argsRepr("(2, ***)"));
        AsyncResult<Object> bad = caller.send("l.fail", List.of(), Map.of(), toQueue);
        AsyncResult<Object> flaky = caller.send("l.flaky", List.of(), Map.of(), toQueue);
        assertThat(ok.get(Duration.ofSeconds(30))).isEqualTo(5);
        try {
          bad.get(Duration.ofSeconds(30));
        } catch (TaskFailedException expected) {
          // the listener's view is what is checked below
        }
        assertThat(flaky.get(Duration.ofSeconds(30))).isEqualTo("ok");

        // Revoked before it runs: received while held for its ETA, refused when the ETA comes.
        AsyncResult<Object> later =
            caller.send(
                "l.add",
                List.of(1, 1),
                Map.of(),
                CallOptions.create().queue(queue).countdown(Duration.ofSeconds(3)));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> seen.of(later.id()).contains("received"));
        caller.control().revoke(later.id());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> seen.of(later.id()).contains("revoked:revoked"));

        // Terminated while it runs.
        AsyncResult<Object> blocked = caller.send("l.block", List.of(), Map.of(), toQueue);
        assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();
        caller.control().revoke(blocked.id(), true);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.of(blocked.id()).contains("ended"));

        // Rejected: a task no one registered here.
        AsyncResult<Object> unknown = caller.send("l.nobody", List.of(), Map.of(), toQueue);
        await().atMost(Duration.ofSeconds(30)).until(() -> !seen.of(unknown.id()).isEmpty());

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(seen.of(ok.id()))
                      .containsExactly("received", "started", "succeeded", "ended");
                  assertThat(seen.of(bad.id()))
                      .containsExactly("received", "started", "failed", "ended");
                  // The retry is published from the task's thread, so the worker app's listener
                  // sees that publish too, between retried and ended.
                  // The retried message is on the queue once its publish returns, so the second
                  // run's steps may interleave with the first run's last two (afterPublish, ended).
                  List<String> first =
                      List.of(
                          "received",
                          "started",
                          "retried",
                          "beforePublish",
                          "afterPublish",
                          "ended");
                  List<String> second = List.of("received", "started", "succeeded", "ended");
                  List<String> flakySteps = seen.of(flaky.id());
                  assertThat(flakySteps).hasSize(first.size() + second.size());
                  assertThat(flakySteps.subList(0, 4)).isEqualTo(first.subList(0, 4));
                  assertThat(
                          interleaves(
                              flakySteps.subList(4, flakySteps.size()),
                              first.subList(4, 6),
                              second))
                      .as("%s is the first run's %s interleaved with %s", flakySteps, first, second)
                      .isTrue();
                  assertThat(seen.of(later.id())).containsExactly("received", "revoked:revoked");
                  assertThat(seen.of(blocked.id()))
                      .containsExactly("received", "started", "revoked:terminated", "ended");
                  assertThat(seen.of(unknown.id())).containsExactly("rejected:l.nobody");
                });
        release.countDown();
        assertThat(client.of(ok.id())).containsExactly("beforePublish", "afterPublish");
        assertThat(client.of(flaky.id())).containsExactly("beforePublish", "afterPublish");
        synchronized (seen) {
          assertThat(seen.seenHeaders).isNotEmpty().containsOnly("recorder");
          assertThat(seen.argsReprs).contains("(2, ***)");
          assertThat(seen.failures).containsExactly("ValueError: bad input | true");
        }
      }
      assertThat(seen.of(node)).containsExactly("workerReady", "workerStopping");
    }
  }

  /** True when {@code steps} is {@code a} and {@code b} merged, each keeping its own order. */
  static boolean interleaves(List<String> steps, List<String> a, List<String> b) {
    if (steps.size() != a.size() + b.size()) {
      return false;
    }
    boolean[][] can = new boolean[a.size() + 1][b.size() + 1];
    can[0][0] = true;
    for (int i = 0; i <= a.size(); i++) {
      for (int j = 0; j <= b.size(); j++) {
        String next = i + j > 0 ? steps.get(i + j - 1) : null;
        if (i > 0 && can[i - 1][j] && a.get(i - 1).equals(next)) {
          can[i][j] = true;
        }
        if (j > 0 && can[i][j - 1] && b.get(j - 1).equals(next)) {
          can[i][j] = true;
        }
      }
    }
    return can[a.size()][b.size()];
  }
}
