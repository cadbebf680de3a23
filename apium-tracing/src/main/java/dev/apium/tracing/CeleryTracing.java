package dev.apium.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.listen.OutgoingTask;
import dev.apium.listen.TaskInfo;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TaskListener} that traces tasks with OpenTelemetry as Python's
 * opentelemetry-instrumentation-celery does, so one trace crosses Python and Java: a PRODUCER span
 * {@code apply_async/<task>} per publish, whose context is injected with the app's propagator (W3C
 * {@code traceparent}, {@code tracestate}) as <em>top-level task message headers</em> (Python
 * injects into the {@code headers} of {@code before_task_publish}, the protocol-2 message headers,
 * and extracts from {@code task.request}, where Celery puts those headers); a CONSUMER span {@code
 * run/<task>} per execution, child of the extracted context and current on the task's thread from
 * {@code started} to {@code ended}, so what the task sends (the next chain step, a retry,
 * callbacks) is a child of it and stays in the trace. Thread-safe.
 */
public final class CeleryTracing implements TaskListener {
  static final AttributeKey<String> ACTION = AttributeKey.stringKey("celery.action");
  static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("celery.task_name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> HOSTNAME = AttributeKey.stringKey("celery.hostname");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("celery.state");
  static final AttributeKey<String> RETRY_REASON = AttributeKey.stringKey("celery.retry.reason");

  private static final TextMapGetter<Map<String, Object>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
          Object value = carrier == null ? null : carrier.get(key);
          return value == null ? null : value.toString();
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  // Producer spans between beforePublish and afterPublish, by the message being published.
  private final Map<String, Span> publishing = new ConcurrentHashMap<>();
  // Consumer spans between started and ended, by the received message (identity: a retry of the
  // same id may start before the first run ends).
  private final Map<TaskMessage, Running> running = new ConcurrentHashMap<>();

  private record Running(Span span, Scope scope, Thread thread) {}

  public CeleryTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("dev.apium.tracing");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  public void beforePublish(OutgoingTask task) {
    Span span =
        tracer
            .spanBuilder("apply_async/" + task.name())
            .setSpanKind(SpanKind.PRODUCER)
            .setAllAttributes(
                Attributes.of(ACTION, "apply_async", TASK_NAME, task.name(), MESSAGE_ID, task.id()))
            .startSpan();
    publishing.put(task.id(), span);
    propagator.inject(
        Context.current().with(span), task, (out, key, value) -> out.header(key, value));
  }

  @Override
  public void afterPublish(OutgoingTask task, Throwable error) {
    Span span = publishing.remove(task.id());
    if (span != null) {
      if (error != null) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      }
      span.end();
    }
  }

  @Override
  public void started(TaskInfo task) {
    Context parent = propagator.extract(Context.root(), task.headers(), HEADERS);
    Span span =
        tracer
            .spanBuilder("run/" + task.name())
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAllAttributes(
                Attributes.of(
                    ACTION,
                    "run",
                    TASK_NAME,
                    task.name(),
                    MESSAGE_ID,
                    task.id(),
                    HOSTNAME,
                    task.hostname()))
            .startSpan();
    Scope scope = parent.with(span).makeCurrent();
    running.put(task.message(), new Running(span, scope, Thread.currentThread()));
  }

  private Span span(TaskInfo task) {
    Running r = running.get(task.message());
    return r == null ? null : r.span();
  }

  @Override
  public void succeeded(TaskInfo task, JsonNode result, Duration runtime) {
    Span span = span(task);
    if (span != null) {
      span.setAttribute(STATE, "SUCCESS");
    }
  }

  @Override
  public void failed(TaskInfo task, ExceptionInfo error, String traceback) {
    Span span = span(task);
    if (span != null) {
      span.setAttribute(STATE, "FAILURE");
      span.addEvent(
          "exception",
          Attributes.of(
              AttributeKey.stringKey("exception.type"), error.type(),
              AttributeKey.stringKey("exception.message"), error.message(),
              AttributeKey.stringKey("exception.stacktrace"), String.valueOf(traceback)));
      span.setStatus(StatusCode.ERROR, error.repr());
    }
  }

  @Override
  public void retried(TaskInfo task, ExceptionInfo cause, String traceback) {
    Span span = span(task);
    if (span != null) {
      span.setAttribute(STATE, "RETRY");
      span.setAttribute(RETRY_REASON, cause == null ? "Retry" : cause.repr());
    }
  }

  @Override
  public void revoked(TaskInfo task, String reason) {
    Span span = span(task);
    if (span != null) {
      span.setAttribute(STATE, "REVOKED");
      span.setStatus(StatusCode.ERROR, "revoked: " + reason);
    }
  }

  @Override
  public void ended(TaskInfo task) {
    Running r = running.remove(task.message());
    if (r == null) {
      return;
    }
    if (r.thread() == Thread.currentThread()) {
      r.scope().close();
    }
    // else a time limit or terminate took the task over: its thread is abandoned with it
    r.span().end();
  }
}
