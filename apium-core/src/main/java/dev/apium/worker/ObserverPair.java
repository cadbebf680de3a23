package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;

/**
 * Two {@link TaskObserver}s as one, {@code first} then {@code second}: the {@link WorkerMonitor}
 * (events, inspect) and the {@link ListenerObserver}. Called from the threads named on {@link
 * TaskObserver}; stateless.
 */
record ObserverPair(TaskObserver first, TaskObserver second) implements TaskObserver {
  @Override
  public void received(Request r) {
    first.received(r);
    second.received(r);
  }

  @Override
  public void started(Request r) {
    first.started(r);
    second.started(r);
  }

  @Override
  public void ended(Request r) {
    first.ended(r);
    second.ended(r);
  }

  @Override
  public void succeeded(Request r, JsonNode result, long nanos) {
    first.succeeded(r, result, nanos);
    second.succeeded(r, result, nanos);
  }

  @Override
  public void failed(Request r, ExceptionInfo info, String traceback) {
    first.failed(r, info, traceback);
    second.failed(r, info, traceback);
  }

  @Override
  public void retried(Request r, ExceptionInfo cause, String traceback) {
    first.retried(r, cause, traceback);
    second.retried(r, cause, traceback);
  }

  @Override
  public void revoked(Request r, boolean expired) {
    first.revoked(r, expired);
    second.revoked(r, expired);
  }

  @Override
  public void terminated(Request r) {
    first.terminated(r);
    second.terminated(r);
  }

  @Override
  public void rejected(String taskId, String taskName, String queue, String reason) {
    first.rejected(taskId, taskName, queue, reason);
    second.rejected(taskId, taskName, queue, reason);
  }

  @Override
  public void requeued(Request r) {
    first.requeued(r);
    second.requeued(r);
  }

  @Override
  public void unregistered(TaskMessage message) {
    first.unregistered(message);
    second.unregistered(message);
  }
}
