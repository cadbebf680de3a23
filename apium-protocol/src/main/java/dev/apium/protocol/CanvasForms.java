package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and builds Celery's serialized canvas forms: chain and group ({@code kwargs.tasks}), chord
 * ({@code kwargs.header}, a list or a group dict, and {@code kwargs.body}), chunks, xmap and
 * xstarmap. Pure functions over immutable {@link Signature} values; used from any thread.
 */
public final class CanvasForms {
  public static final String CHAIN = "chain";
  public static final String GROUP = "group";
  public static final String CHORD = "chord";
  public static final String CHUNKS = "chunks";

  private CanvasForms() {}

  public static boolean is(Signature sig, String type) {
    return type.equals(sig.subtaskType());
  }

  /** The members of a chain or group. */
  public static List<Signature> tasks(Signature sig) {
    return list(sig.kwargs().get("tasks"));
  }

  /** A chord's header tasks, whether written as a list or as a group dict. */
  public static List<Signature> header(Signature chord) {
    JsonNode header = chord.kwargs().get("header");
    if (header != null && header.isObject()) {
      return tasks(Signature.fromJson(header));
    }
    return list(header);
  }

  /** A chord's header as a group dict (keeping its frozen group id when it has one). */
  public static Signature headerGroup(Signature chord) {
    JsonNode header = chord.kwargs().get("header");
    if (header != null && header.isObject() && header.hasNonNull("task")) {
      Signature group = Signature.fromJson(header);
      if (is(group, GROUP)) {
        return group;
      }
      return group(List.of(group), null);
    }
    return group(list(header), null);
  }

  public static Signature body(Signature chord) {
    return Signature.fromJson(chord.kwargs().get("body"));
  }

  public static List<Signature> list(JsonNode node) {
    List<Signature> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(Signature.fromJson(n)));
    } else {
      out.add(Signature.fromJson(node));
    }
    return out;
  }

  public static ArrayNode array(List<Signature> sigs) {
    ArrayNode out = CeleryJson.array();
    sigs.forEach(s -> out.add(s.toJson()));
    return out;
  }

  public static Signature chain(List<Signature> tasks, ObjectNode options) {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.set("tasks", array(tasks));
    return new Signature("celery.chain", null, kwargs, options, CHAIN, false);
  }

  public static Signature group(List<Signature> tasks, ObjectNode options) {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.set("tasks", array(tasks));
    return new Signature("celery.group", null, kwargs, options, GROUP, false);
  }

  /** Celery's chord dict: {@code kwargs = {"kwargs": {}, "header": [...], "body": {...}}}. */
  public static Signature chord(JsonNode header, Signature body, ObjectNode options) {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.set("kwargs", CeleryJson.object());
    kwargs.set("header", header);
    kwargs.set("body", body.toJson());
    return new Signature("celery.chord", null, kwargs, options, CHORD, false);
  }

  public static Signature withOptions(Signature sig, ObjectNode options) {
    return new Signature(
        sig.task(), sig.args(), sig.kwargs(), options, sig.subtaskType(), sig.immutable());
  }

  public static Signature withKwargs(Signature sig, ObjectNode kwargs) {
    return new Signature(
        sig.task(), sig.args(), kwargs, sig.options(), sig.subtaskType(), sig.immutable());
  }

  /** Partial application: {@code args} before the signature's own, unless it is immutable. */
  public static Signature prependArgs(Signature sig, ArrayNode args) {
    if (sig.immutable() || args == null || args.isEmpty()) {
      return sig;
    }
    return sig.withArgs(concat(args, sig.args()));
  }

  public static ArrayNode concat(ArrayNode first, ArrayNode second) {
    ArrayNode out = CeleryJson.array();
    if (first != null) {
      out.addAll(first);
    }
    if (second != null) {
      out.addAll(second);
    }
    return out;
  }

  /** Appends signatures to a list option ({@code link}, {@code link_error}), skipping repeats. */
  public static Signature appendList(Signature sig, String option, List<Signature> more) {
    if (more.isEmpty()) {
      return sig;
    }
    ObjectNode options = sig.options().deepCopy();
    options.set(option, array(merge(list(options.get(option)), more)));
    return withOptions(sig, options);
  }

  /** The union of two signature lists in order, each dict once (Celery's append_to_list_option). */
  public static List<Signature> merge(List<Signature> first, List<Signature> second) {
    Map<String, Signature> out = new LinkedHashMap<>();
    for (Signature s : first) {
      out.putIfAbsent(CeleryJson.write(s.toJson()), s);
    }
    for (Signature s : second) {
      out.putIfAbsent(CeleryJson.write(s.toJson()), s);
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The id whose result is the canvas's result: a task's id, a chain's last task, a chord's body, a
   * group's id; null when not frozen.
   */
  public static String resultId(Signature sig) {
    if (is(sig, CHAIN)) {
      List<Signature> tasks = tasks(sig);
      return tasks.isEmpty() ? sig.taskId() : resultId(tasks.get(tasks.size() - 1));
    }
    if (is(sig, CHORD)) {
      return resultId(body(sig));
    }
    return sig.taskId();
  }

  /**
   * How many completions a chord header member contributes (Celery's {@code _chord._descend}): a
   * task 1, a group the sum of its members, a chain its last non-empty member, a chord its body.
   */
  public static int descend(Signature sig) {
    if (is(sig, GROUP)) {
      return tasks(sig).stream().mapToInt(CanvasForms::descend).sum();
    }
    if (is(sig, CHAIN)) {
      List<Signature> tasks = tasks(sig);
      for (int i = tasks.size() - 1; i >= 0; i--) {
        int size = descend(tasks.get(i));
        if (size > 0) {
          return size;
        }
      }
      return 0;
    }
    if (is(sig, CHORD)) {
      return descend(body(sig));
    }
    return 1;
  }

  /** Celery's chunks: a group of {@code celery.starmap} tasks over parts of {@code n} items. */
  public static Signature chunksAsGroup(Signature chunks) {
    JsonNode task = chunks.kwargs().get("task");
    JsonNode items = chunks.kwargs().get("it");
    int n = Math.max(1, chunks.kwargs().path("n").asInt(1));
    List<Signature> parts = new ArrayList<>();
    ArrayNode part = CeleryJson.array();
    for (JsonNode item : items) {
      part.add(item);
      if (part.size() == n) {
        parts.add(mapOver("celery.starmap", "xstarmap", task, part));
        part = CeleryJson.array();
      }
    }
    if (!part.isEmpty()) {
      parts.add(mapOver("celery.starmap", "xstarmap", task, part));
    }
    return group(parts, chunks.options().deepCopy());
  }

  /** An xmap / xstarmap dict: {@code celery.map(task, it)} run in one worker. */
  public static Signature mapOver(String taskName, String type, JsonNode task, ArrayNode items) {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.set("task", task);
    kwargs.set("it", items);
    return new Signature(taskName, null, kwargs, null, type, true);
  }

  public static ObjectNode chunksKwargs(JsonNode task, ArrayNode items, int n) {
    ObjectNode kwargs = CeleryJson.object();
    kwargs.set("task", task);
    kwargs.set("it", items);
    kwargs.put("n", n);
    return kwargs;
  }

  /** A single-member group is the member itself (Celery's maybe_unroll_group). */
  public static Signature unrollSingle(Signature group) {
    List<Signature> tasks = tasks(group);
    return tasks.size() == 1 ? tasks.get(0) : group;
  }

  /** A group's members with nested groups flattened in place. */
  public static List<Signature> unrolled(Signature group) {
    List<Signature> out = new ArrayList<>();
    for (Signature task : tasks(group)) {
      if (is(task, GROUP)) {
        out.addAll(unrolled(task));
      } else {
        out.add(task);
      }
    }
    return out;
  }

  public static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
