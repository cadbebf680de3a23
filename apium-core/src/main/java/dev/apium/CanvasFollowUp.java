package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.Embed;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskState;
import dev.apium.spi.Delivery;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's canvas follow-ups, as Celery's tracer does them: on success, send the callbacks and
 * the next link of the chain with the result prepended, then report to the chord; on failure,
 * report to the chord, fail the rest of the chain and run the errbacks. Installed on every worker
 * by its {@link AppBridge} ({@link #install}); called on the pool thread that ran the task, before
 * an {@code acks_late} ack; never throws into the runner.
 */
final class CanvasFollowUp {
  private static final Logger log = LoggerFactory.getLogger(CanvasFollowUp.class);

  private final Apium app;
  private final String nodename;
  private final ChordJoin chords;

  private CanvasFollowUp(Apium app, String nodename) {
    this.app = app;
    this.nodename = nodename;
    this.chords = new ChordJoin(app, nodename);
  }

  /**
   * Registers Celery's built-in canvas tasks on the app; the follow-ups of worker {@code nodename}.
   */
  static CanvasFollowUp install(Apium app, String nodename) {
    CanvasTasks.register(app);
    return new CanvasFollowUp(app, nodename);
  }

  /** Before SUCCESS is stored, as Celery's tracer: the callbacks, then the chain's next link. */
  void sendSuccessors(TaskMessage m, JsonNode result) {
    Embed embed = m.embed();
    String root = m.rootId() != null ? m.rootId() : m.id();
    try {
      sendCallbacks(embed.callbacks(), result, m.id(), root);
      if (embed.chain() != null && !embed.chain().isEmpty()) {
        List<Signature> rest = new ArrayList<>(embed.chain());
        Signature next = rest.remove(rest.size() - 1);
        CanvasApply a = CanvasApply.withParentResult(result);
        a.chain = rest;
        a.parentId = m.id();
        a.rootId = root;
        new CanvasSender(app).apply(next, a);
      }
    } catch (RuntimeException e) {
      log.error("Task {} succeeded but its callbacks or next chain link could not be sent", m, e);
    }
  }

  /** After SUCCESS is stored: the chord join. */
  void onSuccess(TaskMessage m, Delivery delivery, JsonNode result) {
    Embed embed = m.embed();
    if (embed.chord() != null) {
      try {
        chords.partDone(m, TaskState.SUCCESS, result);
      } catch (RuntimeException e) {
        log.error("Task {} succeeded but could not be counted in its chord", m, e);
      }
    }
  }

  /** Celery sends one callback alone, several as a group (groups among them on their own). */
  private void sendCallbacks(List<Signature> callbacks, JsonNode result, String id, String root) {
    if (callbacks == null || callbacks.isEmpty()) {
      return;
    }
    CanvasApply a = CanvasApply.withParentResult(result);
    a.parentId = id;
    a.rootId = root;
    CanvasSender sender = new CanvasSender(app);
    if (callbacks.size() == 1) {
      sender.apply(callbacks.get(0), a);
      return;
    }
    List<Signature> plain = new ArrayList<>();
    for (Signature callback : callbacks) {
      if (CanvasForms.is(callback, CanvasForms.GROUP)) {
        sender.apply(callback, a);
      } else {
        plain.add(callback);
      }
    }
    if (!plain.isEmpty()) {
      sender.apply(CanvasForms.group(plain, null), a);
    }
  }

  void onFailure(TaskMessage m, Delivery delivery, ExceptionInfo error, String traceback) {
    Embed embed = m.embed();
    String state = Errbacks.stateOf(error);
    String root = m.rootId() != null ? m.rootId() : m.id();
    try {
      if (embed.chord() != null) {
        chords.partDone(m, state, error.toJson());
      }
      if (embed.chain() != null) {
        for (Signature next : embed.chain()) {
          chords.propagate(next, state, error, traceback, root);
        }
      }
    } catch (RuntimeException e) {
      log.error("Task {} failed and its chord or chain could not be told", m, e);
    }
    Errbacks.run(app, contextOf(m, delivery), embed.errbacks(), state, error, traceback);
  }

  private TaskContext contextOf(TaskMessage m, Delivery delivery) {
    TaskContext current = TaskContext.current();
    if (current != null && current.message() == m) {
      return current;
    }
    TaskContext context =
        new TaskContext(
            app,
            m,
            nodename,
            delivery.queue(),
            delivery.exchange(),
            delivery.routingKey(),
            delivery.redelivered());
    context.properties(delivery.message().properties());
    return context;
  }
}
