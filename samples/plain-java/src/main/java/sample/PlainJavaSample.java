package sample;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Task;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers two tasks, starts a worker on its own queue, sends tasks through Redis and checks every
 * result: positional and keyword arguments, a typed {@code List<Order>} result, and a failure.
 * Exits with status 1 on the first wrong result, so {@code mvn verify} fails.
 */
public final class PlainJavaSample {
  /** A result type with a generic container around it, read back with a TypeReference. */
  public record Order(String id, int quantity) {}

  @Task("sample.add")
  public int add(int x, int y) {
    return x + y;
  }

  @Task("sample.orders")
  public List<Order> orders(String prefix, int count) {
    List<Order> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(new Order(prefix + "-" + i, i * 10));
    }
    return out;
  }

  @Task("sample.fail")
  public int fail(String why) {
    throw new IllegalStateException(why);
  }

  public static void main(String[] args) throws Exception {
    String redis = args.length > 0 ? args[0] : "redis://127.0.0.1:6379/6";
    String queue = "plain-java-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> problems = new ArrayList<>();
    try (Apium app =
        Apium.builder()
            .broker(redis)
            .backend(redis)
            .config("task_default_queue", queue)
            .build()) {
      app.register(new PlainJavaSample());
      try (Worker worker = app.worker().queues(queue).concurrency(2).start()) {
        List<AsyncResult<Integer>> sums = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          sums.add(app.signature("sample.add", i, 100).delay(Integer.class));
        }
        for (int i = 0; i < sums.size(); i++) {
          expect(problems, "sample.add(" + i + ", 100)", i + 100, sums.get(i).get(timeout()));
        }
        AsyncResult<Object> byName =
            app.send("sample.add", List.of(), Map.of("x", 2, "y", 40), null);
        expect(problems, "sample.add(x=2, y=40)", 42, byName.get(timeout()));

        List<Order> orders =
            app.signature("sample.orders", "A", 3)
                .delay(new TypeReference<List<Order>>() {})
                .get(timeout());
        expect(
            problems,
            "sample.orders('A', 3)",
            List.of(new Order("A-1", 10), new Order("A-2", 20), new Order("A-3", 30)),
            orders);

        AsyncResult<Object> failed = app.signature("sample.fail", "on purpose").delay();
        try {
          failed.get(timeout());
          problems.add("sample.fail returned instead of failing");
        } catch (dev.apium.TaskFailedException expected) {
          expect(problems, "sample.fail state", "FAILURE", failed.state());
        }
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("MISMATCH: " + p));
      System.exit(1);
    }
    System.out.println("plain-java sample: 23 results checked against " + redis + ": all correct");
  }

  private static Duration timeout() {
    return Duration.ofSeconds(30);
  }

  private static void expect(List<String> problems, String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      problems.add(what + ": expected " + expected + " but got " + actual);
    }
  }
}
