package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Broken exceptions, unwritable results and wrong types end in FAILURE, never a stuck PENDING. */
class TaskErrorsTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  /** An exception that cannot even describe itself. */
  static final class Unprintable extends RuntimeException {
    @Override
    public String getMessage() {
      throw new IllegalStateException("no message for you");
    }
  }

  /** A bean whose getter throws, so Jackson cannot write it. */
  public static final class Exploding {
    public String getValue() {
      throw new IllegalStateException("getter exploded");
    }
  }

  /** A cycle Jackson would follow forever. */
  public static final class Node {
    public Node next = this;
    public final List<Node> all = new ArrayList<>(List.of(this));
  }

  private TaskFailedException failure(AsyncResult<?> r) {
    try {
      r.get(Duration.ofSeconds(5));
    } catch (TaskFailedException e) {
      assertThat(r.state()).isEqualTo("FAILURE");
      return e;
    }
    throw new AssertionError("task " + r.id() + " did not fail");
  }

  @Test
  void anExceptionThatCannotBeDescribedStillFails() {
    app.register(
        "t.unprintable",
        call -> {
          throw new Unprintable();
        });
    app.register(
        "t.anonymous",
        call -> {
          throw new RuntimeException("anonymous") {};
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      TaskFailedException e = failure(app.signature("t.unprintable").delay());
      assertThat(e.type()).isEqualTo("Unprintable");
      assertThat(e.remoteMessage()).contains("could not be read");
      TaskFailedException anonymous = failure(app.signature("t.anonymous").delay());
      assertThat(anonymous.type()).isEqualTo("dev.apium.TaskErrorsTest$1");
      assertThat(anonymous.remoteMessage()).isEqualTo("anonymous");
    }
  }

  @Test
  void aResultJacksonCannotWriteFailsWithEncodeError() {
    app.register("t.exploding", call -> new Exploding());
    app.register("t.cycle", call -> new Node());
    app.register("t.stream", call -> InputStream.nullInputStream());
    try (Worker worker = app.worker().concurrency(1).start()) {
      for (String task : List.of("t.exploding", "t.cycle", "t.stream")) {
        TaskFailedException e = failure(app.signature(task).delay());
        assertThat(e.type()).as(task).isEqualTo("EncodeError");
        assertThat(e.remoteMessage())
            .as(task)
            .contains("result of task " + task)
            .contains("cannot be written as JSON");
      }
    }
  }

  @Test
  void argumentsOfTheWrongTypeFailWithAClearMessage() {
    app.register("t.square", Integer.class, x -> x * x);
    app.register(new MathTasks());
    try (Worker worker = app.worker().concurrency(1).start()) {
      TaskFailedException e = failure(app.signature("t.square", "seven").delay());
      assertThat(e.remoteMessage()).contains("\"seven\"").contains("Integer");
      TaskFailedException typed = failure(app.signature("math.norm1", List.of(1, 2)).delay());
      assertThat(typed.remoteMessage()).contains("argument 'p'");
      AsyncResult<Integer> wrongResult = app.signature("t.square", 3).delay(Integer.class);
      assertThat(wrongResult.get(Duration.ofSeconds(5))).isEqualTo(9);
      assertThatThrownBy(() -> wrongResult.as(List.class).get(Duration.ofSeconds(5)))
          .hasMessageContaining("result of task " + wrongResult.id());
    }
  }
}
