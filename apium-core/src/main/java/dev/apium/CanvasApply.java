package dev.apium;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * The keywords a canvas is applied with (Celery's {@code apply_async(args, task_id=..., chain=...,
 * chord=..., group_id=..., link=...)}): partial args, the id to freeze with, workflow ids, chain
 * continuation, chord membership, callbacks and the caller's routing options. A mutable value built
 * and used by one thread while one canvas is sent.
 */
final class CanvasApply {
  ArrayNode partial = CeleryJson.array();
  String taskId;
  String parentId;
  String rootId;
  String groupId;
  Integer groupIndex;
  Signature chord;
  List<Signature> chain;
  List<Signature> link = new ArrayList<>();
  List<Signature> linkError = new ArrayList<>();
  CallOptions extra = CallOptions.create();

  /** Apply-time keywords taken out of a user's CallOptions; routing options stay in extra. */
  static CanvasApply from(CallOptions options) {
    CanvasApply a = new CanvasApply();
    if (options == null) {
      return a;
    }
    CallOptions o = options.copy();
    a.taskId = o.taskId;
    a.parentId = o.parentId;
    a.rootId = o.rootId;
    a.groupId = o.group;
    a.groupIndex = o.groupIndex;
    a.chord = o.chord;
    a.chain = o.chain;
    a.link = new ArrayList<>(o.link);
    a.linkError = new ArrayList<>(o.linkError);
    o.taskId = null;
    o.parentId = null;
    o.rootId = null;
    o.group = null;
    o.groupIndex = null;
    o.chord = null;
    o.chain = null;
    o.link.clear();
    o.linkError.clear();
    a.extra = o;
    return a;
  }

  static CanvasApply withParentResult(com.fasterxml.jackson.databind.JsonNode result) {
    CanvasApply a = new CanvasApply();
    a.partial.add(result);
    return a;
  }

  CanvasApply copy() {
    CanvasApply c = new CanvasApply();
    c.partial = partial;
    c.taskId = taskId;
    c.parentId = parentId;
    c.rootId = rootId;
    c.groupId = groupId;
    c.groupIndex = groupIndex;
    c.chord = chord;
    c.chain = chain;
    c.link = new ArrayList<>(link);
    c.linkError = new ArrayList<>(linkError);
    c.extra = extra;
    return c;
  }

  /**
   * These keywords merged with a signature's own options: apply-time values win, except {@code
   * group_id}, which a signature keeps once set (Celery's immutable options); links add up.
   */
  CanvasApply with(ObjectNode options) {
    CanvasApply c = copy();
    if (c.chain == null && options.hasNonNull("chain")) {
      c.chain = CanvasForms.list(options.get("chain"));
    }
    if (c.chord == null && options.hasNonNull("chord")) {
      c.chord = Signature.fromJson(options.get("chord"));
    }
    if (options.hasNonNull("group_id")) {
      c.groupId = options.get("group_id").asText();
      if (options.hasNonNull("group_index")) {
        c.groupIndex = options.get("group_index").asInt();
      }
    }
    c.link = CanvasForms.merge(CanvasForms.list(options.get("link")), link);
    c.linkError = CanvasForms.merge(CanvasForms.list(options.get("link_error")), linkError);
    if (c.rootId == null) {
      c.rootId = CanvasForms.text(options, "root_id");
    }
    if (c.parentId == null) {
      c.parentId = CanvasForms.text(options, "parent_id");
    }
    return c;
  }
}
