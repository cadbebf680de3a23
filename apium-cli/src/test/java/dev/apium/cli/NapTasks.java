package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.Task;

/** Tasks for the worker-process tests: acks_late naps that honour interrupts. */
public class NapTasks {
  /** A client on {@code redis} (broker and backend) whose default queue is {@code queue}. */
  static Apium client(String redis, String queue) {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(redis)
            .backend(redis)
            .config("task_default_queue", queue)
            .build();
    app.register(new NapTasks());
    return app;
  }

  @Task(value = "nap.sleep", acksLate = true)
  public String sleep(int millis, int tag) throws InterruptedException {
    Thread.sleep(millis);
    return "child " + tag;
  }

  @Task(value = "nap.long", acksLate = true, trackStarted = true)
  public String sleepLong(int tag) throws InterruptedException {
    Thread.sleep(600_000);
    return "child " + tag;
  }
}
