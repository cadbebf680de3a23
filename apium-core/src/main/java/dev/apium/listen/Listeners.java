package dev.apium.listen;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link TaskListener}s as one: calls each in registration order, and logs and ignores an
 * exception one of them throws, so a faulty listener never breaks a publish or a task. Immutable;
 * called from the threads named on {@link TaskListener}.
 */
public final class Listeners implements TaskListener {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);
  private final TaskListener[] all;

  private Listeners(List<TaskListener> listeners) {
    this.all = listeners.toArray(new TaskListener[0]);
  }

  /** The listeners as one; {@link #isEmpty()} when there are none (callers then skip the work). */
  public static Listeners of(List<? extends TaskListener> listeners) {
    List<TaskListener> flat = new ArrayList<>();
    for (TaskListener l : listeners) {
      if (l instanceof Listeners many) {
        flat.addAll(List.of(many.all));
      } else if (l != null) {
        flat.add(l);
      }
    }
    return new Listeners(flat);
  }

  public boolean isEmpty() {
    return all.length == 0;
  }

  private void each(String what, Consumer<TaskListener> call) {
    for (TaskListener l : all) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("Task listener {} failed in {}: {}", l.getClass().getName(), what, e.toString());
      }
    }
  }

  @Override
  public void beforePublish(OutgoingTask task) {
    each("beforePublish", l -> l.beforePublish(task));
  }

  @Override
  public void afterPublish(OutgoingTask task, Throwable error) {
    each("afterPublish", l -> l.afterPublish(task, error));
  }

  @Override
  public void received(TaskInfo task) {
    each("received", l -> l.received(task));
  }

  @Override
  public void started(TaskInfo task) {
    each("started", l -> l.started(task));
  }

  @Override
  public void succeeded(TaskInfo task, JsonNode result, Duration runtime) {
    each("succeeded", l -> l.succeeded(task, result, runtime));
  }

  @Override
  public void failed(TaskInfo task, ExceptionInfo error, String traceback) {
    each("failed", l -> l.failed(task, error, traceback));
  }

  @Override
  public void retried(TaskInfo task, ExceptionInfo cause, String traceback) {
    each("retried", l -> l.retried(task, cause, traceback));
  }

  @Override
  public void revoked(TaskInfo task, String reason) {
    each("revoked", l -> l.revoked(task, reason));
  }

  @Override
  public void rejected(String taskId, String taskName, String queue, String reason) {
    each("rejected", l -> l.rejected(taskId, taskName, queue, reason));
  }

  @Override
  public void ended(TaskInfo task) {
    each("ended", l -> l.ended(task));
  }

  @Override
  public void workerReady(Worker worker) {
    each("workerReady", l -> l.workerReady(worker));
  }

  @Override
  public void workerStopping(Worker worker) {
    each("workerStopping", l -> l.workerStopping(worker));
  }
}
