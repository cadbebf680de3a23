package dev.apium.cli;

import dev.apium.Task;

/** Tasks for the worker-process tests: acks_late naps that honour interrupts. */
public class NapTasks {
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
