package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker's operator lines read as Celery's: received and succeeded at INFO, a failure at ERROR
 * with its stack trace, the task id and name in the MDC of the task's thread, reprs cut at {@code
 * resultrepr_maxsize}, and the client's {@code argsrepr} shown instead of the args.
 */
class OperatorLogTest {
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final List<Logger> loggers =
      List.of(
          (Logger) LoggerFactory.getLogger("dev.apium.worker.received"),
          (Logger) LoggerFactory.getLogger("dev.apium.worker.trace"));
  private final String url = "memory://" + UUID.randomUUID();
  private final Apium app =
      Apium.builder()
          .withoutEnvironment()
          .broker(url)
          .backend(url)
          .config("resultrepr_maxsize", 20)
          .build();

  @BeforeEach
  void listen() {
    lines.start();
    for (Logger l : loggers) {
      l.setLevel(Level.INFO);
      l.addAppender(lines);
    }
  }

  @AfterEach
  void close() {
    for (Logger l : loggers) {
      l.detachAppender(lines);
      l.setLevel(null);
    }
    app.close();
  }

  private List<ILoggingEvent> of(String id) {
    synchronized (lines.list) {
      return lines.list.stream().filter(e -> e.getFormattedMessage().contains(id)).toList();
    }
  }

  @Test
  void celeryLinesWithMdcAndCutReprs() {
    app.register(
        "t.secret", call -> MDC.get("task_id") + " " + MDC.get("task_name") + " " + "x".repeat(50));
    app.register(
        "t.boom",
        call -> {
          throw new IllegalStateException("no way");
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> ok =
          app.send(
              "t.secret",
              List.of("hunter2"),
              Map.of(),
              CallOptions.create().argsRepr("('***',)").kwargsRepr("{}"));
      AsyncResult<Object> bad = app.send("t.boom");
      assertThat((String) ok.get(Duration.ofSeconds(20))).startsWith(ok.id() + " t.secret xxx");
      await().atMost(Duration.ofSeconds(20)).until(() -> of(bad.id()).size() == 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> of(ok.id()).size() == 2);

      ILoggingEvent received = of(ok.id()).get(0);
      assertThat(received.getLevel()).isEqualTo(Level.INFO);
      assertThat(received.getFormattedMessage())
          .isEqualTo("Task t.secret[" + ok.id() + "] received");
      assertThat(received.getKeyValuePairs())
          .anySatisfy(
              kv -> {
                assertThat(kv.key).isEqualTo("args");
                assertThat(kv.value).isEqualTo("('***',)");
              });
      assertThat(received.getKeyValuePairs().toString()).doesNotContain("hunter2");

      ILoggingEvent succeeded = of(ok.id()).get(1);
      assertThat(succeeded.getLevel()).isEqualTo(Level.INFO);
      assertThat(succeeded.getFormattedMessage())
          .matches(
              "Task t\\.secret\\[" + ok.id() + "\\] succeeded in \\d+\\.\\d+s: '.{16}\\.\\.\\.");
      assertThat(succeeded.getMDCPropertyMap())
          .containsEntry("task_id", ok.id())
          .containsEntry("task_name", "t.secret");

      ILoggingEvent failed = of(bad.id()).get(1);
      assertThat(failed.getLevel()).isEqualTo(Level.ERROR);
      assertThat(failed.getFormattedMessage())
          .startsWith("Task t.boom[" + bad.id() + "] raised unexpected: IllegalStateExcep...\n")
          .contains("java.lang.IllegalStateException: no way")
          .contains("\tat ");
      assertThat(failed.getMDCPropertyMap()).containsEntry("task_id", bad.id());
    }
    assertThat(MDC.get("task_id")).isNull();
  }
}
