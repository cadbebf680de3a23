package dev.apium;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Embed;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Celery's {@code Task.replace} and {@code Task.add_to_chord}, for the task running on this thread.
 * A replacement is frozen with the task's own id (a chain's last task, a chord's body), inherits
 * its callbacks, errbacks, group and chord membership, and is followed by the rest of the task's
 * chain; a group is lifted to a chord with {@code celery.accumulate} as body so its list is the
 * result. Called on pool threads from {@link TaskContext}.
 */
final class Replacement {
  private Replacement() {}

  static TaskReplaced replace(TaskContext context, Canvas replacement) {
    TaskMessage m = context.message();
    Embed embed = m.embed();
    Signature sig = replacement.data();
    if (sig.options().has("chord")) {
      throw improperlyConfigured("A signature replacing a task must not be part of a chord");
    }
    if (CanvasForms.is(sig, CanvasForms.CHAIN) && CanvasForms.tasks(sig).isEmpty()) {
      throw improperlyConfigured("Cannot replace with an empty chain");
    }
    if (CanvasForms.is(sig, CanvasForms.GROUP)) {
      Signature accumulate =
          new Signature("celery.accumulate", null, indexZero(), null, null, false);
      sig = CanvasForms.chord(sig.toJson(), accumulate, null);
    }
    if (CanvasForms.is(sig, CanvasForms.CHAIN)) {
      sig = pushLinksDown(sig, orEmpty(embed.callbacks()), orEmpty(embed.errbacks()));
    } else {
      sig = CanvasForms.appendList(sig, "link", orEmpty(embed.callbacks()));
      sig = CanvasForms.appendList(sig, "link_error", orEmpty(embed.errbacks()));
    }
    sig = new CanvasFreezer(context.app()).freeze(sig, m.id(), null, null, null, null).sig();
    ObjectNode options = sig.options().deepCopy();
    if (embed.chord() != null) {
      options.set("chord", embed.chord().toJson());
    }
    if (m.group() != null) {
      options.put("group_id", m.group());
      if (m.groupIndex() != null) {
        options.put("group_index", m.groupIndex());
      }
    }
    options.put("root_id", m.rootId() != null ? m.rootId() : m.id());
    int nesting =
        context.headers().get("replaced_task_nesting") instanceof Number n ? n.intValue() : 0;
    options.put("replaced_task_nesting", nesting + 1);
    sig = CanvasForms.withOptions(sig, options);
    if (embed.chain() != null && !embed.chain().isEmpty()) {
      List<Signature> steps = new ArrayList<>();
      if (CanvasForms.is(sig, CanvasForms.CHAIN)) {
        // Celery's chain | task unchains: the chain's errbacks go on each of its tasks.
        List<Signature> errbacks = CanvasForms.list(sig.options().get("link_error"));
        for (Signature task : CanvasForms.tasks(sig)) {
          steps.add(CanvasForms.appendList(task, "link_error", errbacks));
        }
      } else {
        steps.add(sig);
      }
      List<Signature> rest = new ArrayList<>(embed.chain());
      Collections.reverse(rest);
      steps.addAll(rest);
      sig = CanvasForms.chain(steps, null);
    }
    CanvasApply a = new CanvasApply();
    a.parentId = m.id();
    a.rootId = m.rootId() != null ? m.rootId() : m.id();
    new CanvasSender(context.app()).apply(sig, a);
    return new TaskReplaced(m.id(), sig.task());
  }

  static AsyncResult<Object> addToChord(TaskContext context, Canvas added) {
    TaskMessage m = context.message();
    Signature chord = m.embed().chord();
    if (chord == null || m.group() == null) {
      throw new IllegalStateException(
          "task "
              + m.id()
              + " is not a member of a chord: addToChord works only in a chord header task");
    }
    ObjectNode options = added.data().options().deepCopy();
    options.put("group_id", m.group());
    if (m.groupIndex() != null) {
      options.put("group_index", m.groupIndex());
    }
    options.set("chord", chord.toJson());
    options.put("root_id", m.rootId() != null ? m.rootId() : m.id());
    Signature sig = CanvasForms.withOptions(added.data(), options);
    CanvasFreezer.Prepared frozen =
        new CanvasFreezer(context.app()).freeze(sig, null, null, null, null, null);
    context.app().backend().chordAddTasks(m.group(), 1);
    CanvasApply a = new CanvasApply();
    a.parentId = m.id();
    Frozen sent = new CanvasSender(context.app()).apply(frozen.sig(), a);
    return sent.toResult(context.app(), Object.class);
  }

  /** A chain's callbacks go on its last task, its errbacks on every task. */
  private static Signature pushLinksDown(
      Signature chain, List<Signature> links, List<Signature> errbacks) {
    List<Signature> tasks = new ArrayList<>();
    for (Signature task : CanvasForms.tasks(chain)) {
      tasks.add(CanvasForms.appendList(task, "link_error", errbacks));
    }
    int last = tasks.size() - 1;
    tasks.set(last, CanvasForms.appendList(tasks.get(last), "link", links));
    return CanvasForms.chain(tasks, chain.options().deepCopy());
  }

  /** Celery's {@code ImproperlyConfigured}, with its own wording, so Python catches it by name. */
  private static TaskError improperlyConfigured(String message) {
    return new ImproperlyConfigured(message);
  }

  private static ObjectNode indexZero() {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.put("index", 0);
    return kwargs;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
