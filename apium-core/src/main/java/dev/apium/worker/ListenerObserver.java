package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.listen.Listeners;
import dev.apium.listen.TaskInfo;
import dev.apium.protocol.ExceptionInfo;
import java.time.Duration;

/**
 * Tells the app's and the worker's {@link dev.apium.listen.TaskListener}s what the engine observes:
 * turns each {@link Request} into the public {@link TaskInfo}. Installed next to the {@link
 * WorkerMonitor} (through {@link ObserverPair}) only when a listener is registered; called from the
 * threads named on {@link TaskObserver}.
 */
final class ListenerObserver implements TaskObserver {
  private final Listeners listeners;
  private final String nodename;

  ListenerObserver(Listeners listeners, String nodename) {
    this.listeners = listeners;
    this.nodename = nodename;
  }

  private TaskInfo info(Request r) {
    return new TaskInfo(r.message, r.delivery.queue(), nodename, r.receivedMillis);
  }

  @Override
  public void received(Request r) {
    listeners.received(info(r));
  }

  @Override
  public void started(Request r) {
    listeners.started(info(r));
  }

  @Override
  public void ended(Request r) {
    listeners.ended(info(r));
  }

  @Override
  public void succeeded(Request r, JsonNode result, long nanos) {
    listeners.succeeded(info(r), result, Duration.ofNanos(nanos));
  }

  @Override
  public void failed(Request r, ExceptionInfo info, String traceback) {
    listeners.failed(info(r), info, traceback);
  }

  @Override
  public void retried(Request r, ExceptionInfo cause, String traceback) {
    listeners.retried(info(r), cause, traceback);
  }

  @Override
  public void revoked(Request r, boolean expired) {
    listeners.revoked(info(r), expired ? "expired" : "revoked");
  }

  @Override
  public void terminated(Request r) {
    listeners.revoked(info(r), "terminated");
  }

  @Override
  public void rejected(String taskId, String taskName, String queue, String reason) {
    listeners.rejected(taskId, taskName, queue, reason);
  }
}
