package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a task sees of itself, PROGRESS, track_started and ignore_result. */
class TaskContextTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void progressIsVisibleThroughAsyncResult() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    app.register(
        "t.progress",
        call -> {
          call.context().progress(40, 100);
          reported.countDown();
          proceed.await(5, TimeUnit.SECONDS);
          call.context().updateState("CUSTOM", Map.of("stage", "almost"));
          return "done";
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.progress").delay();
      assertThat(reported.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(r.state()).isEqualTo("PROGRESS");
      assertThat(r.info().get("current").asInt()).isEqualTo(40);
      assertThat(r.info().get("total").asInt()).isEqualTo(100);
      assertThat(r.info().get("percent").asDouble()).isEqualTo(40.0);
      assertThat(r.ready()).isFalse();
      proceed.countDown();
      assertThat(r.get(Duration.ofSeconds(5))).isEqualTo("done");
    }
  }

  @Test
  void trackStartedStoresStartedWithPidAndHostname() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    app.register(
        "t.tracked",
        TaskOptions.DEFAULTS.withTrackStarted(true),
        call -> {
          running.countDown();
          proceed.await(5, TimeUnit.SECONDS);
          return 1;
        });
    try (Worker worker = app.worker().nodename("tracker@test").concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.tracked").delay();
      assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(r.state()).isEqualTo("STARTED");
      JsonNode info = r.info();
      assertThat(info.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(info.get("hostname").asText()).isEqualTo("tracker@test");
      proceed.countDown();
      r.get(Duration.ofSeconds(5));
    }
  }

  @Test
  void ignoreResultStoresNothing() {
    CountDownLatch ran = new CountDownLatch(2);
    app.register(
        "t.quiet",
        TaskOptions.DEFAULTS.withIgnoreResult(true),
        call -> {
          ran.countDown();
          return "unseen";
        });
    app.register(
        "t.loud",
        call -> {
          ran.countDown();
          return "seen";
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> quiet = app.signature("t.quiet").delay();
      AsyncResult<Object> perCall =
          app.signature("t.loud").applyAsync(CallOptions.create().ignoreResult(true));
      AsyncResult<Object> loud = app.signature("t.loud").delay();
      assertThat(loud.get(Duration.ofSeconds(5))).isEqualTo("seen");
      await().atMost(Duration.ofSeconds(5)).until(() -> worker.processed() == 3);
      assertThat(quiet.state()).isEqualTo("PENDING");
      assertThat(perCall.state()).isEqualTo("PENDING");
    }
  }

  @Test
  void contextCarriesIdsDeliveryInfoAndHeaders() {
    Map<String, Object> seen = new ConcurrentHashMap<>();
    app.register(
        "t.inspect",
        call -> {
          TaskContext c = call.context();
          seen.put("id", c.id());
          seen.put("name", c.name());
          seen.put("root", c.rootId());
          seen.put("hostname", c.hostname());
          seen.put("delivery", c.deliveryInfo());
          seen.put("custom", c.headers().get("custom"));
          seen.put("args", c.args().toString());
          seen.put("current", TaskContext.current() == c);
          return null;
        });
    try (Worker worker = app.worker().queues("q7").nodename("ctx@test").concurrency(1).start()) {
      AsyncResult<Object> r =
          app.signature("t.inspect", 1, "a")
              .applyAsync(CallOptions.create().queue("q7").priority(3).header("custom", "hdr"));
      r.get(Duration.ofSeconds(5));
      assertThat(seen)
          .containsEntry("id", r.id())
          .containsEntry("name", "t.inspect")
          .containsEntry("root", r.id())
          .containsEntry("hostname", "ctx@test")
          .containsEntry("custom", "hdr")
          .containsEntry("args", "[1,\"a\"]")
          .containsEntry("current", true);
      @SuppressWarnings("unchecked")
      Map<String, Object> delivery = (Map<String, Object>) seen.get("delivery");
      assertThat(delivery).containsEntry("routing_key", "q7").containsEntry("priority", 3);
    }
  }
}
