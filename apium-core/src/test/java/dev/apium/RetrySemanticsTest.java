package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries as Celery does them: the re-published message, RETRY meta, limits, backoff. */
class RetrySemanticsTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void retryIsRepublishedLikeCeleryAndStoresRetryMeta() throws Exception {
    app.register(
        "t.flaky",
        call -> {
          throw call.context().retry(Duration.ofSeconds(60), new TaskError("ValueError", "busy"));
        });
    Worker worker = app.worker().queues("q1").nodename("retrier@test").concurrency(1).start();
    AsyncResult<Object> r =
        app.signature("t.flaky", 7).applyAsync(CallOptions.create().queue("q1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> "RETRY".equals(r.state()));
    ResultMeta meta = r.meta().orElseThrow();
    assertThat(meta.result().get("exc_type").asText()).isEqualTo("ValueError");
    assertThat(meta.result().get("exc_message").get(0).asText()).isEqualTo("busy");
    assertThat(meta.traceback()).contains("Retry in 60");
    assertThat(meta.dateDone()).isNull();
    assertThat(meta.toJson().get("children").toString())
        .isEqualTo("[[[\"" + r.id() + "\",null],null]]");
    assertThat(meta.toJson().get("parent_id")).isNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.scheduled() == 1);
    worker.stop(Duration.ofSeconds(5)); // returns the held retry message to q1

    WireMessage wire = takeOne("q1");
    TaskMessage retried = TaskMessageCodec.decode(wire);
    assertThat(retried.id()).isEqualTo(r.id());
    assertThat(retried.retries()).isEqualTo(1);
    assertThat(retried.parentId()).isEqualTo(r.id());
    assertThat(retried.rootId()).isEqualTo(r.id());
    assertThat(retried.origin()).isEqualTo("retrier@test");
    assertThat(retried.args().toString()).isEqualTo("[7]");
    assertThat((String) wire.header("eta")).endsWith("+00:00");
    assertThat(wire.property("correlation_id")).isEqualTo(r.id());
    assertThat(wire.property("reply_to")).isEqualTo(app.oid());
  }

  private WireMessage takeOne(String queue) throws InterruptedException {
    BlockingQueue<WireMessage> got = new ArrayBlockingQueue<>(4);
    try (Subscription s =
        app.broker()
            .consume(
                List.of(queue),
                1,
                d -> {
                  got.add(d.message());
                  d.ack();
                })) {
      WireMessage m = got.poll(5, TimeUnit.SECONDS);
      assertThat(m).as("retried message in " + queue).isNotNull();
      return m;
    }
  }

  @Test
  void maxRetriesExceededFailsWithTheCauseOrMaxRetriesExceededError() {
    AtomicInteger plain = new AtomicInteger();
    AtomicInteger withCause = new AtomicInteger();
    TaskOptions twice = TaskOptions.DEFAULTS.withMaxRetries(2).withDefaultRetryDelay(Duration.ZERO);
    app.register(
        "t.plain",
        twice,
        call -> {
          plain.incrementAndGet();
          throw call.context().retry((Throwable) null);
        });
    app.register(
        "t.cause",
        twice,
        call -> {
          withCause.incrementAndGet();
          throw call.context().retry(new IOException("disk"));
        });
    try (Worker worker = app.worker().concurrency(2).start()) {
      AsyncResult<Object> a = app.signature("t.plain").delay();
      AsyncResult<Object> b = app.signature("t.cause").delay();
      assertThatThrownBy(() -> a.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("MaxRetriesExceededError");
                assertThat(e.module()).isEqualTo("celery.exceptions");
              });
      assertThatThrownBy(() -> b.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class, e -> assertThat(e.type()).isEqualTo("IOException"));
      assertThat(plain).hasValue(3);
      assertThat(withCause).hasValue(3);
      assertThat(a.state()).isEqualTo("FAILURE");
    }
  }

  @Test
  void autoretryWithBackoffSucceedsAfterRetries() {
    AtomicInteger runs = new AtomicInteger();
    app.register(
        "t.auto",
        TaskOptions.DEFAULTS
            .withAutoretryFor(List.of(IOException.class))
            .withMaxRetries(5)
            .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(100), true),
        call -> {
          if (runs.incrementAndGet() < 3) {
            throw new IOException("flaky");
          }
          return call.context().retries();
        });
    app.register(
        "t.other",
        TaskOptions.DEFAULTS.withAutoretryFor(List.of(IOException.class)),
        call -> {
          throw new IllegalStateException("not retried");
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.signature("t.auto").delay().get(Duration.ofSeconds(5))).isEqualTo(2);
      assertThatThrownBy(() -> app.signature("t.other").delay().get(Duration.ofSeconds(5)))
          .hasMessageContaining("not retried");
    }
  }

  @Test
  void retryBackoffIsReadFromTheTaskAnnotation() {
    TaskOptions annotated = TaskOptions.from(annotation());
    assertThat(annotated.retryBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(annotated.retryBackoffMax()).isEqualTo(Duration.ofSeconds(600));
    assertThat(annotated.retryJitter()).isTrue();
    assertThat(annotated.rateLimitScope()).isEqualTo(RateLimitScope.CLUSTER);
  }

  @Task(
      value = "t.annotated",
      retryBackoff = 2,
      rateLimit = "5/s",
      rateLimitScope = RateLimitScope.CLUSTER)
  public void annotated() {}

  private static Task annotation() {
    try {
      return RetrySemanticsTest.class.getMethod("annotated").getAnnotation(Task.class);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }
}
