package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Remote control over celery.pidbox: ping, revoke (persisted, terminate), destination. */
class ControlTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void pingIsAnsweredByEveryWorkerAndDestinationIsHonoured() {
    try (Worker a = app.worker().nodename("a@test").concurrency(1).start();
        Worker b = app.worker().nodename("b@test").concurrency(1).start()) {
      Map<String, JsonNode> replies = app.control().ping(Duration.ofMillis(500));
      assertThat(replies).containsOnlyKeys("a@test", "b@test");
      assertThat(replies.get("a@test").toString()).isEqualTo("{\"ok\":\"pong\"}");
      Map<String, JsonNode> onlyB =
          app.control().broadcast("ping", Map.of(), List.of("b@test"), Duration.ofSeconds(5));
      assertThat(onlyB).containsOnlyKeys("b@test");
      assertThat(
              app.control()
                  .broadcast("no_such_thing", Map.of(), List.of("a@test"), Duration.ofSeconds(5))
                  .get("a@test")
                  .get("error")
                  .asText())
          .contains("No such command");
    }
  }

  @Test
  void requestAndReplyHaveCeleryShape() throws Exception {
    BlockingQueue<WireMessage> requests = new ArrayBlockingQueue<>(4);
    try (var listener = app.broker().subscribeFanout("celery.pidbox", "", requests::add);
        Worker a = app.worker().nodename("a@test").concurrency(1).start()) {
      app.control()
          .revoke(
              "0f0f0f0f-0000-4000-8000-000000000001",
              false,
              List.of("a@test"),
              Duration.ofSeconds(5));
      WireMessage request = requests.poll(5, TimeUnit.SECONDS);
      assertThat(request.headers()).containsKeys("clock", "expires");
      assertThat(request.property("delivery_mode")).isEqualTo(2);
      JsonNode body = CeleryJson.parse(request.bodyText());
      assertThat(body.fieldNames())
          .toIterable()
          .containsExactly(
              "method", "arguments", "destination", "pattern", "matcher", "ticket", "reply_to");
      assertThat(body.get("arguments").toString())
          .isEqualTo(
              "{\"task_id\":\"0f0f0f0f-0000-4000-8000-000000000001\",\"terminate\":false,\"signal\":\"SIGTERM\"}");
      assertThat(body.get("reply_to").toString())
          .isEqualTo(
              "{\"exchange\":\"reply.celery.pidbox\",\"routing_key\":\"" + app.oid() + "\"}");
    }
  }

  @Test
  void revokedTaskIsNotRunAndTheRevokeSurvivesARestart() {
    AtomicInteger runs = new AtomicInteger();
    app.register("t.count", call -> runs.incrementAndGet());
    AsyncResult<Object> later;
    try (Worker a = app.worker().nodename("a@test").concurrency(1).start()) {
      AsyncResult<Object> held =
          app.signature("t.count")
              .applyAsync(CallOptions.create().countdown(Duration.ofMillis(700)));
      await().atMost(Duration.ofSeconds(5)).until(() -> a.scheduled() == 1);
      Map<String, JsonNode> replies =
          app.control().revoke(held.id(), false, List.of("a@test"), Duration.ofSeconds(5));
      assertThat(replies.get("a@test").get("ok").asText())
          .isEqualTo("tasks " + held.id() + " flagged as revoked");
      assertThatThrownBy(() -> held.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("TaskRevokedError");
                assertThat(e.remoteMessage()).isEqualTo("revoked");
              });
      later =
          app.signature("t.count").applyAsync(CallOptions.create().countdown(Duration.ofHours(1)));
      app.control().revoke(later.id());
    }
    // A worker started after the revoke refuses the task too (Celery would forget).
    Apium fresh = TestApps.memory(app.brokerUrl());
    fresh.register("t.count", call -> runs.incrementAndGet());
    try (Worker b = fresh.worker().nodename("b@test").concurrency(1).start()) {
      fresh.send("t.count", List.of(), Map.of(), CallOptions.create().taskId(later.id()));
      assertThatThrownBy(() -> later.get(Duration.ofSeconds(5)))
          .isInstanceOf(TaskFailedException.class);
      assertThat(later.state()).isEqualTo("REVOKED");
      assertThat(b.revoked().contains(later.id())).isTrue();
    } finally {
      fresh.close();
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void terminateInterruptsARunningTaskWhichEndsRevoked() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    app.register(
        "t.long",
        call -> {
          started.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return "finished";
        });
    app.register("t.quick", call -> "quick");
    try (Worker a = app.worker().nodename("a@test").concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.long").delay();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      // Waiting already when the revoke arrives: the first ready state stored is what this sees.
      CompletableFuture<Object> waiter = r.toCompletableFuture();
      Map<String, JsonNode> replies =
          app.control().revoke(r.id(), true, List.of("a@test"), Duration.ofSeconds(5));
      assertThat(waiter)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> assertThat(e.remoteMessage()).isEqualTo("terminated"));
      assertThat(replies.get("a@test").get("ok").asText()).isEqualTo("terminate: " + r.id());
      assertThatThrownBy(() -> r.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("TaskRevokedError");
                assertThat(e.remoteMessage()).isEqualTo("terminated");
              });
      assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(app.signature("t.quick").delay().get(Duration.ofSeconds(5))).isEqualTo("quick");
      assertThat(r.state()).isEqualTo("REVOKED");
    }
  }
}
