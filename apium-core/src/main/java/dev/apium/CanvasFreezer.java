package dev.apium;

import static dev.apium.protocol.CanvasForms.CHAIN;
import static dev.apium.protocol.CanvasForms.CHORD;
import static dev.apium.protocol.CanvasForms.GROUP;
import static dev.apium.protocol.CanvasForms.is;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.Signature;
import dev.apium.protocol.Uuid4;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Gives every task of a canvas its id before anything is sent (Celery's {@code freeze}) and turns a
 * chain into the reversed list of frozen steps its first message carries ({@code prepare_steps}):
 * nested chains are spliced, a group followed by a task becomes a chord, the last step takes the
 * chain's id and chord membership. Pure apart from generating ids; any thread.
 */
final class CanvasFreezer {
  record Prepared(Signature sig, Frozen result) {}

  /** The steps last first, as {@code embed.chain} wants them, and their results (last first). */
  record Steps(List<Signature> reversed, List<Frozen> results) {}

  private final Apium app;

  CanvasFreezer(Apium app) {
    this.app = app;
  }

  Prepared freeze(
      Signature sig,
      String id,
      String rootId,
      String groupId,
      Signature chord,
      Integer groupIndex) {
    if (is(sig, CHAIN)) {
      Steps steps =
          prepareSteps(
              sig.args(),
              CanvasForms.tasks(sig),
              rootId,
              List.of(),
              id,
              groupId,
              chord,
              groupIndex);
      List<Signature> tasks = new ArrayList<>(steps.reversed());
      java.util.Collections.reverse(tasks);
      Frozen result = steps.results().isEmpty() ? new Frozen(id) : steps.results().get(0);
      return new Prepared(
          new Signature(
              sig.task(),
              CanvasForms.concat(null, null),
              chainKwargs(tasks),
              sig.options(),
              CHAIN,
              sig.immutable()),
          result);
    }
    if (is(sig, GROUP)) {
      ObjectNode options = sig.options().deepCopy();
      String gid = CanvasForms.text(options, "task_id");
      if (gid == null) {
        gid = groupId != null ? groupId : Uuid4.next();
        options.put("task_id", gid);
      }
      List<Signature> members = CanvasForms.unrolled(sig);
      List<Signature> frozen = new ArrayList<>();
      List<Frozen> results = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Prepared p = freeze(members.get(i), null, rootId, groupId, chord, i);
        frozen.add(p.sig());
        results.add(p.result());
      }
      Signature group = CanvasForms.group(frozen, options);
      return new Prepared(
          new Signature(group.task(), sig.args(), group.kwargs(), options, GROUP, sig.immutable()),
          new Frozen(gid, results));
    }
    if (is(sig, CHORD)) {
      Prepared body = freeze(CanvasForms.body(sig), id, rootId, groupId, chord, groupIndex);
      Prepared header = freeze(CanvasForms.headerGroup(sig), null, rootId, null, body.sig(), null);
      ObjectNode options = sig.options().deepCopy();
      options.put("task_id", header.result().id);
      Signature frozen = CanvasForms.chord(header.sig().toJson(), body.sig(), options);
      return new Prepared(
          new Signature(
              frozen.task(), sig.args(), frozen.kwargs(), options, CHORD, sig.immutable()),
          body.result());
    }
    ObjectNode options = sig.options().deepCopy();
    if (!options.hasNonNull("task_id")) {
      options.put("task_id", id != null ? id : Uuid4.next());
    }
    if (rootId != null) {
      options.put("root_id", rootId);
    }
    if (!options.has("reply_to")) {
      options.put("reply_to", app.replyTo());
    }
    if (groupId != null && !options.hasNonNull("group_id")) {
      options.put("group_id", groupId);
    }
    if (chord != null) {
      options.set("chord", chord.toJson());
    }
    if (groupIndex != null) {
      options.put("group_index", groupIndex);
    }
    return new Prepared(
        CanvasForms.withOptions(sig, options), new Frozen(options.get("task_id").asText()));
  }

  private static ObjectNode chainKwargs(List<Signature> tasks) {
    return CanvasForms.chain(tasks, null).kwargs();
  }

  Steps prepareSteps(
      ArrayNode args,
      List<Signature> tasks,
      String rootId,
      List<Signature> linkError,
      String lastId,
      String groupId,
      Signature chord,
      Integer groupIndex) {
    Deque<Signature> steps = new ArrayDeque<>(tasks);
    List<Signature> out = new ArrayList<>();
    List<Frozen> results = new ArrayList<>();
    Signature prevTask = null;
    Frozen prevRes = null;
    int i = 0;
    while (!steps.isEmpty()) {
      Signature task = steps.pollLast();
      boolean first = steps.isEmpty();
      boolean last = i == 0;
      if (is(task, GROUP)) {
        task = CanvasForms.unrollSingle(task);
      }
      if (is(task, CHAIN)) {
        steps.addAll(CanvasForms.tasks(task));
        continue;
      }
      if (first) {
        task =
            is(task, GROUP) || is(task, CHORD) ? withMoreArgs(task, args) : prependArgs(task, args);
      }
      Frozen reuse = null;
      if (is(task, GROUP) && prevTask != null) {
        out.remove(out.size() - 1);
        results.remove(results.size() - 1);
        reuse = prevRes;
        task = CanvasForms.chord(task.toJson(), prevTask, null);
      }
      Prepared p =
          last
              ? freeze(task, lastId, rootId, groupId, chord, groupIndex)
              : freeze(task, null, rootId, null, null, null);
      Frozen res = reuse != null ? reuse : p.result();
      i++;
      if (prevRes != null && prevRes != res && prevRes.parent == null) {
        prevRes.parent = res;
      }
      task = CanvasForms.appendList(p.sig(), "link_error", linkError);
      out.add(task);
      results.add(res);
      prevTask = task;
      prevRes = res;
    }
    return new Steps(out, results);
  }

  private static Signature prependArgs(Signature task, ArrayNode args) {
    return CanvasForms.prependArgs(task, args);
  }

  /** A group's or chord's own args are the partial args its members get. */
  private static Signature withMoreArgs(Signature task, ArrayNode args) {
    if (task.immutable() || args == null || args.isEmpty()) {
      return task;
    }
    return task.withArgs(CanvasForms.concat(args, task.args()));
  }
}
