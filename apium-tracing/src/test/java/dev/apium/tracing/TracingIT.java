package dev.apium.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Chain;
import dev.apium.Chord;
import dev.apium.TaskError;
import dev.apium.worker.Worker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * One trace across a real Redis hop (db 10, a queue of its own): the client's publish span, the
 * worker's run span, the publish and run spans of the chain's next steps and of a retry; the
 * context travels as a top-level {@code traceparent} message header.
 */
class TracingIT {
  private static final String REDIS = "redis://127.0.0.1:6379/10";

  @Test
  void chainAndRetryStayInTheClientsTrace() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    String queue = "tracing-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> traceparents = new ConcurrentHashMap<>();
    try (Apium worker = app(otel);
        Apium client = app(otel)) {
      worker.register(
          "tr.add",
          call -> {
            traceparents.put(call.context().id(), call.context().headers().get("traceparent"));
            return call.arg(0, Integer.class) + call.arg(1, Integer.class);
          });
      worker.register(
          "tr.flaky",
          call -> {
            traceparents.put(call.context().id() + "#" + call.context().retries(), "seen");
            if (call.context().retries() == 0) {
              throw call.context().retry(Duration.ZERO, new TaskError("IOError", "busy"));
            }
            return call.arg(0, Integer.class);
          });
      try (Worker w = worker.worker().queues(queue).concurrency(2).start()) {
        AsyncResult<Integer> last =
            Chain.of(
                    client.signature("tr.add", 1, 2).queue(queue),
                    client.signature("tr.add", 10).queue(queue),
                    client.signature("tr.flaky").queue(queue))
                .delay(Integer.class);
        assertThat(last.get(Duration.ofSeconds(60))).isEqualTo(13);
        // run/tr.flaky ends after its result is stored: wait for the spans, not just the result
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> exporter.getFinishedSpanItems().size() >= 8);
      }
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(spans.get(0).getTraceId());
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "apply_async/tr.add",
            "run/tr.add",
            "apply_async/tr.add",
            "run/tr.add",
            "apply_async/tr.flaky",
            "run/tr.flaky",
            "apply_async/tr.flaky",
            "run/tr.flaky");
    SpanData root = only(spans, s -> !s.getParentSpanContext().isValid());
    assertThat(root.getName()).isEqualTo("apply_async/tr.add");
    assertThat(root.getKind()).isEqualTo(SpanKind.PRODUCER);
    // every other span's parent is in the trace: publish → run → next publish → next run ...
    for (SpanData s : spans) {
      if (s != root) {
        assertThat(spans)
            .as("parent of %s", s.getName())
            .anyMatch(p -> p.getSpanId().equals(s.getParentSpanId()));
        SpanData parent =
            spans.stream().filter(p -> p.getSpanId().equals(s.getParentSpanId())).findFirst().get();
        assertThat(parent.getKind())
            .isEqualTo(s.getKind() == SpanKind.CONSUMER ? SpanKind.PRODUCER : SpanKind.CONSUMER);
      }
    }
    // the retry's run span is parented by the retry publish made inside the first run
    List<SpanData> flakyRuns =
        spans.stream().filter(s -> s.getName().equals("run/tr.flaky")).toList();
    assertThat(flakyRuns).hasSize(2);
    // the header is where Python's instrumentation puts it: a top-level message header
    assertThat(traceparents.values())
        .filteredOn(v -> !"seen".equals(v))
        .hasSize(2)
        .allSatisfy(
            v -> {
              assertThat(v.toString())
                  .matches("00-" + root.getTraceId() + "-[0-9a-f]{16}-[0-9a-f]{2}");
              String spanId = v.toString().split("-")[2];
              assertThat(spans)
                  .anyMatch(
                      p ->
                          p.getSpanId().equals(spanId)
                              && p.getName().equals("apply_async/tr.add")
                              && p.getKind() == SpanKind.PRODUCER);
            });
  }

  /**
   * A chord sent inside the client's span: each header task's publish and run, the body's publish
   * (made by the worker that ran the last header task, inside that run) and the body's run are all
   * in the client span's trace, each parented by a span of it.
   */
  @Test
  void chordHeaderAndBodyStayInTheClientsTrace() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = sdk(exporter);
    String queue = "tracing-chord-" + UUID.randomUUID().toString().substring(0, 8);
    try (Apium worker = app(otel);
        Apium client = app(otel)) {
      worker.register("trc.add", call -> call.arg(0, Integer.class) + call.arg(1, Integer.class));
      worker.register(
          "trc.sum",
          call -> call.arg(0, List.class).stream().mapToInt(n -> ((Number) n).intValue()).sum());
      try (Worker w = worker.worker().queues(queue).concurrency(2).start()) {
        Span checkout = otel.getTracer("test").spanBuilder("checkout").startSpan();
        AsyncResult<Integer> sum;
        try (Scope ignored = checkout.makeCurrent()) {
          sum =
              Chord.of(
                      List.of(
                          client.signature("trc.add", 1, 2).queue(queue),
                          client.signature("trc.add", 3, 4).queue(queue),
                          client.signature("trc.add", 5, 6).queue(queue)),
                      client.signature("trc.sum").queue(queue))
                  .delay(Integer.class);
        } finally {
          checkout.end();
        }
        assertThat(sum.get(Duration.ofSeconds(60))).isEqualTo(21);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> exporter.getFinishedSpanItems().size() >= 9);
      }
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData root = only(spans, s -> !s.getParentSpanContext().isValid());
    assertThat(root.getName()).isEqualTo("checkout");
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(root.getTraceId());
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "checkout",
            "apply_async/trc.add",
            "apply_async/trc.add",
            "apply_async/trc.add",
            "run/trc.add",
            "run/trc.add",
            "run/trc.add",
            "apply_async/trc.sum",
            "run/trc.sum");
    for (SpanData s : spans) {
      if (s != root) {
        assertThat(spans)
            .as("parent of %s", s.getName())
            .anyMatch(p -> p.getSpanId().equals(s.getParentSpanId()));
      }
    }
    // header publishes hang off the client's span; the body's publish off a header task's run
    assertThat(spans)
        .filteredOn(s -> s.getName().equals("apply_async/trc.add"))
        .allMatch(s -> s.getParentSpanId().equals(root.getSpanId()));
    SpanData bodyPublish = only(spans, s -> s.getName().equals("apply_async/trc.sum"));
    assertThat(parent(spans, bodyPublish).getName()).isEqualTo("run/trc.add");
    SpanData bodyRun = only(spans, s -> s.getName().equals("run/trc.sum"));
    assertThat(bodyRun.getParentSpanId()).isEqualTo(bodyPublish.getSpanId());
  }

  private static SpanData parent(List<SpanData> spans, SpanData child) {
    return only(spans, p -> p.getSpanId().equals(child.getParentSpanId()));
  }

  private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> p) {
    List<SpanData> found = spans.stream().filter(p).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static Apium app(OpenTelemetrySdk otel) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(REDIS)
        .backend(REDIS)
        .listener(new CeleryTracing(otel))
        .build();
  }
}
