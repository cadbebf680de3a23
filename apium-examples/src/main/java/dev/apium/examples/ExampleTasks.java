package dev.apium.examples;

import dev.apium.Apium;
import dev.apium.examples.analysis.AnalysisTasks;
import dev.apium.examples.images.ImageTasks;
import java.util.function.Consumer;

/**
 * Registers both examples' tasks ({@code images.*}, {@code analysis.*}) on an app. Pass it to a
 * worker process with {@code ./apium worker -A dev.apium.examples.ExampleTasks -b redis://...}.
 * Stateless.
 */
public final class ExampleTasks implements Consumer<Apium> {

  @Override
  public void accept(Apium app) {
    register(app);
  }

  /** Registers the image and analysis tasks on {@code app} and returns it. */
  public static Apium register(Apium app) {
    app.register(new ImageTasks());
    app.register(new AnalysisTasks());
    return app;
  }
}
