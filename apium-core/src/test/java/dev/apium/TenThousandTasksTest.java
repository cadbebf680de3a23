package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The foundation's end-to-end check: both task styles, 10,000 tasks from 4 threads, all back once.
 */
class TenThousandTasksTest {
  @Test
  void everyTaskRunsOnceAndEveryResultComesBack() throws Exception {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (Apium app = TestApps.memory()) {
      app.register(new MathTasks());
      app.register(
          "lambda.mul",
          call -> {
            runs.computeIfAbsent(call.context().id(), k -> new AtomicInteger()).incrementAndGet();
            return call.arg(0, Integer.class) * call.arg(1, Integer.class);
          });
      Worker worker = app.worker().concurrency(4).start();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<List<int[]>>> sent = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        sent.add(
            clients.submit(
                () -> {
                  List<int[]> checks = new ArrayList<>();
                  List<AsyncResult<Integer>> results = new ArrayList<>();
                  for (int i = 0; i < 2500; i++) {
                    int a = thread * 10_000 + i;
                    String name = i % 2 == 0 ? "math.add" : "lambda.mul";
                    results.add(app.signature(name, a, 3).delay(Integer.class));
                    checks.add(new int[] {i % 2 == 0 ? a + 3 : a * 3});
                  }
                  for (int i = 0; i < results.size(); i++) {
                    checks.get(i)[0] -= results.get(i).get(Duration.ofSeconds(60));
                  }
                  return checks;
                }));
      }
      for (Future<List<int[]>> future : sent) {
        for (int[] diff : future.get()) {
          assertThat(diff[0]).isZero();
        }
      }
      clients.shutdown();
      worker.stop(Duration.ofSeconds(10));
      assertThat(runs).hasSize(5000);
      assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
      assertThat(worker.processed()).isEqualTo(10_000);
    }
  }
}
