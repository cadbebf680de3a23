package dev.apium.examples;

import dev.apium.Apium;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.UUID;

/** An isolated {@code memory://} app with the example tasks and a running worker, per test. */
public final class Workers implements AutoCloseable {
  public final Apium app;
  private final Worker worker;

  public Workers(int threads) {
    String url = "memory://" + UUID.randomUUID();
    app = Apium.builder().withoutEnvironment().broker(url).backend(url).build();
    ExampleTasks.register(app);
    worker = app.worker().concurrency(threads).start();
  }

  @Override
  public void close() {
    worker.stop(Duration.ofSeconds(5));
    app.close();
  }
}
