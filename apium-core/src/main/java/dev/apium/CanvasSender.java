package dev.apium;

import static dev.apium.protocol.CanvasForms.CHAIN;
import static dev.apium.protocol.CanvasForms.CHORD;
import static dev.apium.protocol.CanvasForms.CHUNKS;
import static dev.apium.protocol.CanvasForms.GROUP;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Signature;
import dev.apium.protocol.Uuid4;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Sends a canvas of any kind, given as Celery's signature dict, the way Celery 5.2 does: a chain
 * publishes its first task with the rest in {@code embed.chain} (last first), a group one message
 * per member with {@code group}/{@code group_index}, a chord records its size then sends its header
 * with {@code embed.chord} = the body. Every id is frozen before the first message leaves, so the
 * results are known up front. Used by clients and by worker follow-ups (any thread); stateless.
 */
final class CanvasSender {
  private final Apium app;
  private final CanvasFreezer freezer;

  CanvasSender(Apium app) {
    this.app = app;
    this.freezer = new CanvasFreezer(app);
  }

  Frozen apply(Signature sig, CanvasApply keywords) {
    CanvasApply a = keywords.with(sig.options());
    String type = sig.subtaskType();
    if (type == null) {
      return applyTask(sig, a);
    }
    return switch (type) {
      case CHAIN -> applyChain(sig, a);
      case GROUP -> applyGroup(sig, a);
      case CHORD -> applyChord(sig, a);
      case CHUNKS -> applyGroup(CanvasForms.chunksAsGroup(sig), a);
      default -> applyTask(sig, a);
    };
  }

  private Frozen applyTask(Signature sig, CanvasApply a) {
    ArrayNode args = sig.immutable() ? sig.args() : CanvasForms.concat(a.partial, sig.args());
    CallOptions o = Publisher.fromSignature(sig.options());
    if (o.taskId == null) {
      o.taskId = a.taskId != null ? a.taskId : Uuid4.next();
    }
    o.parentId = a.parentId;
    o.rootId = a.rootId;
    o.group = a.groupId;
    o.groupIndex = a.groupId == null ? null : a.groupIndex;
    o.chain = a.chain;
    o.chord = a.chord;
    o.link.clear();
    o.link.addAll(a.link);
    o.linkError.clear();
    o.linkError.addAll(a.linkError);
    Publisher.merge(o, a.extra);
    app.publisher().send(sig.task(), args, sig.kwargs(), o, app.type(Object.class));
    return new Frozen(o.taskId);
  }

  private Frozen applyChain(Signature sig, CanvasApply a) {
    ArrayNode args = sig.immutable() ? sig.args() : CanvasForms.concat(a.partial, sig.args());
    String lastId = a.taskId != null ? a.taskId : sig.taskId();
    CanvasFreezer.Steps steps =
        freezer.prepareSteps(
            args,
            CanvasForms.tasks(sig),
            a.rootId,
            a.linkError,
            lastId,
            a.groupId,
            a.chord,
            a.groupIndex);
    if (steps.reversed().isEmpty()) {
      return null;
    }
    List<Signature> rest = new ArrayList<>(steps.reversed());
    rest.set(0, CanvasForms.appendList(rest.get(0), "link", a.link));
    Signature first = rest.remove(rest.size() - 1);
    CanvasApply next = new CanvasApply();
    next.chain = new ArrayList<>(a.chain == null ? List.of() : a.chain);
    next.chain.addAll(rest);
    next.parentId = a.parentId;
    next.rootId = a.rootId;
    next.extra = a.extra;
    apply(first, next);
    return steps.results().get(0);
  }

  /** Sends a group's members; the running task, if any, lists the group, not its members. */
  private Frozen applyGroup(Signature sig, CanvasApply a) {
    TaskContext running = TaskContext.current();
    if (running == null) {
      return sendGroup(sig, a);
    }
    Frozen sent = null;
    running.trail().enterGroup();
    try {
      sent = sendGroup(sig, a);
      return sent;
    } finally {
      running.trail().leaveGroup(sent);
    }
  }

  private Frozen sendGroup(Signature sig, CanvasApply a) {
    if (!a.link.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot link a callback to a group: use a chord (Chord.of(group, callback))");
    }
    String gid = a.taskId != null ? a.taskId : sig.taskId();
    if (gid == null) {
      gid = Uuid4.next();
    }
    ArrayNode partial = CanvasForms.concat(a.partial, sig.args());
    List<Signature> members = CanvasForms.unrolled(sig);
    if (a.chord != null && !members.isEmpty()) {
      app.backend().chordSetSize(gid, members.stream().mapToInt(CanvasForms::descend).sum());
      members = saveNestedHeader(gid, members, a);
    }
    List<Frozen> results = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      CanvasApply m = new CanvasApply();
      m.partial = partial;
      m.groupId = gid;
      m.groupIndex = i;
      m.chord = a.chord;
      m.rootId = a.rootId;
      m.parentId = a.parentId;
      m.linkError = a.linkError;
      m.extra = a.extra;
      results.add(apply(members.get(i), m));
    }
    return new Frozen(gid, results);
  }

  /**
   * A chord header some of whose members' results are groups (a chain ending in a group) is saved
   * as its GroupResult before anything is sent, as Celery's Redis {@code apply_chord} does, so the
   * join (Apium's or Python's) passes the body {@code [[42, 42]]}, not {@code [42, 42]}. The
   * members are frozen first and sent frozen, so the saved ids are the ones that run; any other
   * header is returned as it is.
   */
  private List<Signature> saveNestedHeader(String gid, List<Signature> members, CanvasApply a) {
    if (members.stream().noneMatch(m -> CanvasForms.is(m, CHAIN))) {
      return members;
    }
    List<Signature> frozen = new ArrayList<>();
    List<AsyncResult<Object>> results = new ArrayList<>();
    boolean nested = false;
    for (int i = 0; i < members.size(); i++) {
      CanvasFreezer.Prepared p = freezer.freeze(members.get(i), null, a.rootId, gid, a.chord, i);
      frozen.add(p.sig());
      results.add(p.result().toResult(app, app.type(Object.class)));
      nested |= p.result().members != null;
    }
    if (!nested) {
      return members;
    }
    app.backend().saveGroup(gid, new GroupResult(app, gid, results).toTuple());
    return frozen;
  }

  private Frozen applyChord(Signature sig, CanvasApply a) {
    ArrayNode partial = sig.immutable() ? sig.args() : CanvasForms.concat(a.partial, sig.args());
    Signature header = CanvasForms.headerGroup(sig);
    CanvasFreezer.Prepared frozenBody =
        prepareBody(CanvasForms.body(sig), a.taskId != null ? a.taskId : sig.taskId(), a);
    Signature body = frozenBody.sig();
    if (CanvasForms.tasks(header).isEmpty()) {
      ArrayNode empty = CeleryJson.array();
      empty.addArray();
      CanvasApply now = new CanvasApply();
      now.partial = empty;
      now.parentId = a.parentId;
      now.rootId = a.rootId;
      apply(body, now);
      return frozenBody.result();
    }
    CanvasApply h = new CanvasApply();
    h.partial = partial;
    h.taskId = header.taskId() != null ? header.taskId() : Uuid4.next();
    h.chord = body;
    h.rootId = a.rootId;
    h.parentId = a.parentId;
    h.extra = a.extra;
    Frozen headerResult =
        apply(CanvasForms.withOptions(header, stripMembership(header.options())), h);
    Frozen bodyResult = frozenBody.result();
    if (bodyResult.parent == null) {
      // Celery's chord.run: bodyres.parent = header_result.
      bodyResult.parent = headerResult;
    }
    return bodyResult;
  }

  /**
   * A chord whose header is pulled one member at a time: the size is recorded first (as for any
   * chord, so Celery's join counts against it), then each member is sent as soon as {@code header}
   * yields it and is forgotten. Fails when the header yields more or fewer tasks than {@code size}.
   */
  Frozen applyStreamingChord(
      int size, Iterator<Signature> header, Signature bodySig, CanvasApply a) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "a streaming chord needs a header of at least 1 task, got size " + size);
    }
    CanvasFreezer.Prepared frozenBody = prepareBody(bodySig, a.taskId, a);
    Signature body = frozenBody.sig();
    String gid = Uuid4.next();
    app.backend().chordSetSize(gid, size);
    int sent = 0;
    for (int index = 0; header.hasNext(); index++) {
      Signature member = header.next();
      int weight = CanvasForms.descend(member);
      if (sent + weight > size) {
        throw new IllegalStateException(
            "streaming chord "
                + gid
                + ": the header yields more than the "
                + size
                + " tasks declared; count the header before sending it");
      }
      CanvasApply m = new CanvasApply();
      m.groupId = gid;
      m.groupIndex = index;
      m.chord = body;
      m.rootId = a.rootId;
      m.parentId = a.parentId;
      m.extra = a.extra;
      apply(member, m);
      sent += weight;
    }
    if (sent < size) {
      throw new IllegalStateException(
          "streaming chord "
              + gid
              + ": the header yielded "
              + sent
              + " of the "
              + size
              + " tasks declared, so its body "
              + frozenBody.result().id
              + " will never run; count the header before sending it");
    }
    return frozenBody.result();
  }

  /** The body with the chord's workflow options, frozen under its own id or {@code fallbackId}. */
  private CanvasFreezer.Prepared prepareBody(Signature body, String fallbackId, CanvasApply a) {
    String bodyId = CanvasForms.resultId(body);
    if (bodyId == null) {
      bodyId = fallbackId;
    }
    if (bodyId == null) {
      bodyId = Uuid4.next();
    }
    ObjectNode options = body.options().deepCopy();
    if (a.rootId != null) {
      options.put("root_id", a.rootId);
    }
    if (a.chain != null) {
      options.set("chain", CanvasForms.array(a.chain));
    }
    if (a.chord != null) {
      options.set("chord", a.chord.toJson());
    }
    if (a.groupId != null) {
      options.put("group_id", a.groupId);
      if (a.groupIndex != null) {
        options.put("group_index", a.groupIndex);
      }
    }
    if (a.extra.queue != null) {
      options.put("queue", a.extra.queue);
    }
    if (a.extra.priority != null) {
      options.put("priority", a.extra.priority);
    }
    Signature withOptions = CanvasForms.withOptions(body, options);
    withOptions = CanvasForms.appendList(withOptions, "link", a.link);
    withOptions = CanvasForms.appendList(withOptions, "link_error", a.linkError);
    return freezer.freeze(withOptions, bodyId, a.rootId, null, null, null);
  }

  /** A header group's options without the outer chord's keywords (Celery pops them, #3771). */
  private static ObjectNode stripMembership(ObjectNode options) {
    ObjectNode copy = options.deepCopy();
    copy.remove(List.of("chain", "chord", "task_id", "group_id", "group_index"));
    return copy;
  }
}
