package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Apium#sendAll}: one message per args list, results in order, options applied to all. */
class SendAllTest {
  @Test
  void everyCallRunsAndResultsComeBackInOrder() {
    try (Apium app = TestApps.memory()) {
      app.register("t.add", Integer.class, Integer.class, Integer::sum);
      List<List<Integer>> args = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        args.add(List.of(i, 1000));
      }
      List<AsyncResult<Object>> results = app.sendAll("t.add", args, null);
      assertThat(results).extracting(AsyncResult::id).doesNotHaveDuplicates().hasSize(100);
      Worker worker = app.worker().concurrency(2).start();
      for (int i = 0; i < 100; i++) {
        assertThat(results.get(i).get(Duration.ofSeconds(30))).isEqualTo(i + 1000);
      }
      worker.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void optionsRouteTheWholeBatch() {
    try (Apium app = TestApps.memory()) {
      app.sendAll(
          "t.any", List.of(List.of(1), List.of(2), List.of(3)), CallOptions.create().queue("side"));
      assertThat(app.broker().size("side")).isEqualTo(3);
      assertThat(app.broker().size("celery")).isZero();
    }
  }

  @Test
  void aTaskIdInTheOptionsIsRefused() {
    try (Apium app = TestApps.memory()) {
      assertThatThrownBy(
              () -> app.sendAll("t.any", List.of(List.of(1)), CallOptions.create().taskId("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("task id");
    }
  }
}
