package dev.apium.interop;

import dev.apium.Apium;
import dev.apium.examples.ExampleTasks;
import java.util.function.Consumer;

/**
 * What each worker host of the many-hosts test runs, loaded through {@code -A}: the fault batches'
 * {@link ScaleTasks} and the worked examples' tasks (images, analysis), so the image example can
 * cross the same hosts with its pictures inline. Called once per worker process at start.
 */
public class ScaleHostTasks implements Consumer<Apium> {
  @Override
  public void accept(Apium app) {
    app.register(new ScaleTasks());
    ExampleTasks.register(app);
  }
}
