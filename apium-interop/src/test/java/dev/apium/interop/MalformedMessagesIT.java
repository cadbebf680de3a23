package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.TaskFailedException;
import dev.apium.protocol.WireMessage;
import dev.apium.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Each kind of unreadable message, published raw to an Apium worker's queue on Redis (db 13, a
 * queue of its own): the worker stores a FAILURE naming what was wrong (its id is readable), so
 * Python's {@code AsyncResult.get()} and Java's {@code get()} raise at once instead of waiting for
 * their timeout; the worker goes on, and good tasks sent around them complete.
 */
class MalformedMessagesIT {
  private static final String REDIS = RecordingTasks.REDIS;

  private record Bad(String kind, WireMessage message, String type, String reason) {}

  private static Map<String, Object> headers(String id, String task) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("lang", "py");
    if (task != null) {
      h.put("task", task);
    }
    h.put("id", id);
    h.put("root_id", id);
    return h;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Bad> badMessages() {
    List<Bad> bad = new ArrayList<>();
    String id = UUID.randomUUID().toString();
    bad.add(
        new Bad(
            "bad body",
            WireMessage.json(headers(id, "mal.add"), Map.of(), utf8("[[1, 2], {}, {} oops")),
            "DecodeError",
            "json"));
    id = UUID.randomUUID().toString();
    bad.add(
        new Bad(
            "unsupported content type",
            new WireMessage(
                headers(id, "mal.add"),
                Map.of(),
                "application/x-python-serialize",
                "binary",
                new byte[] {(byte) 0x80, 4, 'K', 1, '.'}),
            "ContentDisallowed",
            "content type"));
    id = UUID.randomUUID().toString();
    bad.add(
        new Bad(
            "missing task header",
            WireMessage.json(headers(id, null), Map.of(), utf8("[[1, 2], {}, {}]")),
            "InvalidTaskError",
            "task"));
    id = UUID.randomUUID().toString();
    bad.add(
        new Bad(
            "args not a list",
            WireMessage.json(headers(id, "mal.add"), Map.of(), utf8("[{\"x\": 1}, {}, {}]")),
            "InvalidTaskError",
            "array"));
    id = UUID.randomUUID().toString();
    Map<String, Object> compressed = headers(id, "mal.add");
    compressed.put("compression", "application/x-gzip");
    bad.add(
        new Bad(
            "corrupt compression",
            WireMessage.json(compressed, Map.of(), utf8("this is not zlib data")),
            "DecodeError",
            "compress"));
    id = UUID.randomUUID().toString();
    String deep = "[".repeat(1500) + "]".repeat(1500);
    bad.add(
        new Bad(
            "nesting over 1,000 levels",
            WireMessage.json(headers(id, "mal.add"), Map.of(), utf8("[" + deep + ", {}, {}]")),
            "DecodeError",
            "nests deeper"));
    return bad;
  }

  @Test
  void eachUnreadableKindFailsAtOnceInPythonAndJavaAndTheWorkerGoesOn() throws Exception {
    Assumptions.assumeTrue(PythonCelery.available(), "Debian's python3-celery is not installed");
    String queue = "malformed-" + UUID.randomUUID();
    try (Apium app =
            Apium.builder()
                .withoutEnvironment()
                .broker(REDIS)
                .backend(REDIS)
                .config("task_default_queue", queue)
                .build();
        PythonCelery python = new PythonCelery(REDIS, REDIS, queue)) {
      app.register("mal.add", Integer.class, Integer.class, Integer::sum);
      List<Bad> bad = badMessages();
      List<AsyncResult<Integer>> good = new ArrayList<>();
      try (Worker worker = app.worker().queues(queue).concurrency(2).start()) {
        for (Bad b : bad) {
          good.add(app.signature("mal.add", 1, 1).delay(Integer.class));
          app.broker().publish(queue, b.message());
        }
        good.add(app.signature("mal.add", 2, 2).delay(Integer.class));
        for (AsyncResult<Integer> r : good) {
          assertThat(r.get(Duration.ofSeconds(30))).isIn(2, 4);
        }

        for (Bad b : bad) {
          String id = (String) b.message().header("id");
          assertThatThrownBy(() -> app.result(id).get(Duration.ofSeconds(10)))
              .as(b.kind())
              .isInstanceOf(TaskFailedException.class)
              .satisfies(e -> assertThat(((TaskFailedException) e).type()).contains(b.type()));
        }
        StringBuilder ids = new StringBuilder("[");
        for (Bad b : bad) {
          ids.append(ids.length() > 1 ? ", " : "").append('\'').append(b.message().header("id"));
          ids.append('\'');
        }
        JsonNode seen =
            python.run(
                String.join(
                    "\n",
                    "import time",
                    "out = []",
                    "for tid in " + ids + "]:",
                    "    began = time.time()",
                    "    try:",
                    "        AsyncResult(tid, app=app).get(timeout=20, propagate=True)",
                    "        out.append(['no error', '', 0])",
                    "    except Exception as e:",
                    "        out.append([type(e).__name__, str(e), time.time() - began])"));
        for (int i = 0; i < bad.size(); i++) {
          Bad b = bad.get(i);
          JsonNode row = seen.get(i);
          System.out.printf(
              "[MalformedMessagesIT] %s: Python raised %s(%s) in %.2f s%n",
              b.kind(), row.get(0).asText(), row.get(1).asText(), row.get(2).asDouble());
          assertThat(row.get(0).asText()).as(b.kind()).isEqualTo(b.type());
          assertThat(row.get(1).asText().toLowerCase()).as(b.kind()).contains(b.reason());
          assertThat(row.get(2).asDouble()).as(b.kind() + ": raised at once").isLessThan(5.0);
        }
        assertThat(worker.counts().rejected()).isEqualTo(bad.size());
        assertThat(app.signature("mal.add", 3, 3).delay(Integer.class).get(Duration.ofSeconds(30)))
            .isEqualTo(6);
      }
    }
  }
}
