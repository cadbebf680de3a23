package dev.apium.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import org.junit.jupiter.api.Test;

class ExampleTasksTest {

  @Test
  void aWorkerGivenExampleTasksKnowsBothExamplesTasks() {
    try (Apium app = Apium.builder().withoutEnvironment().broker("memory://unused").build()) {
      new ExampleTasks().accept(app);

      assertThat(app.taskNames())
          .contains(
              "images.grayscale",
              "images.thumbnail",
              "images.histogram",
              "analysis.partial",
              "analysis.merge");
    }
  }
}
