package dev.apium.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Task messages built by hand exactly as a Celery 5.3+ client (kombu's Redis transport) LPUSHes
 * them, so ITs can feed an Apium worker what the newest Celery sends without Celery 5.6 installed:
 * the protocol-2 headers in {@code as_task_v2}'s order ending with {@code replaced_task_nesting},
 * {@code stamped_headers}, {@code stamps} (celery-protocol.md §11.1, capture A), and signature
 * dicts as {@code Signature.stamp()} leaves them: the names in the {@code stamped_headers} option
 * and one option per stamp. Builders are not thread-safe; build on the test thread.
 */
final class Celery53Messages {
  static final String REPLY_TO = "dd50e9fa-87ed-32c8-ac1c-5869d33c4bd8";

  private Celery53Messages() {}

  /** A signature dict stamped with {@code stamps} (none when empty), as a 5.3+ canvas holds it. */
  static ObjectNode signature(
      String task, List<?> args, Map<String, Object> stamps, Map<String, Object> options) {
    ObjectNode sig = CeleryJson.object();
    sig.put("task", task);
    sig.set("args", CeleryJson.toTree(args));
    sig.set("kwargs", CeleryJson.object());
    ObjectNode opts = sig.putObject("options");
    options.forEach((k, v) -> opts.set(k, CeleryJson.toTree(v)));
    if (!stamps.isEmpty()) {
      opts.set("stamped_headers", CeleryJson.toTree(new ArrayList<>(stamps.keySet())));
      stamps.forEach((k, v) -> opts.set(k, CeleryJson.toTree(v)));
    }
    sig.putNull("subtask_type");
    sig.put("immutable", false);
    return sig;
  }

  /** One task message. */
  static final class Message {
    final String id = UUID.randomUUID().toString();
    private final String task;
    private final List<?> args;
    private Map<String, Object> stamps = Map.of();
    private String eta;
    private String group;
    private Integer groupIndex;
    private JsonNode callbacks;
    private JsonNode errbacks;
    private JsonNode chain;
    private JsonNode chord;

    Message(String task, Object... args) {
      this.task = task;
      this.args = List.of(args);
    }

    Message stamps(Map<String, Object> value) {
      stamps = new LinkedHashMap<>(value);
      return this;
    }

    /** The ETA as Celery writes it ({@code 2026-11-24T10:13:23.947820+00:00}). */
    Message eta(java.time.Instant at) {
      eta = CeleryJson.isoformat(at);
      return this;
    }

    Message group(String id, int index) {
      group = id;
      groupIndex = index;
      return this;
    }

    Message callbacks(JsonNode... sigs) {
      callbacks = CeleryJson.toTree(List.of(sigs));
      return this;
    }

    Message errbacks(JsonNode... sigs) {
      errbacks = CeleryJson.toTree(List.of(sigs));
      return this;
    }

    /** The chain's remaining steps, in Celery's order (last step first). */
    Message chain(JsonNode... steps) {
      chain = CeleryJson.toTree(List.of(steps));
      return this;
    }

    Message chord(JsonNode body) {
      chord = body;
      return this;
    }

    /** The headers in Celery 5.3+'s {@code as_task_v2} order. */
    ObjectNode headers() {
      ObjectNode h = CeleryJson.object();
      h.put("lang", "py");
      h.put("task", task);
      h.put("id", id);
      h.putNull("shadow");
      h.put("eta", eta);
      h.putNull("expires");
      h.put("group", group);
      if (groupIndex == null) {
        h.putNull("group_index");
      } else {
        h.put("group_index", groupIndex);
      }
      h.put("retries", 0);
      h.putArray("timelimit").addNull().addNull();
      h.put("root_id", id);
      h.putNull("parent_id");
      h.put("argsrepr", "(...)");
      h.put("kwargsrepr", "{}");
      h.put("origin", "gen4242@celery56");
      h.put("ignore_result", false);
      h.put("replaced_task_nesting", 0);
      if (stamps.isEmpty()) {
        h.putNull("stamped_headers");
      } else {
        h.set("stamped_headers", CeleryJson.toTree(new ArrayList<>(stamps.keySet())));
      }
      h.set("stamps", CeleryJson.toTree(stamps));
      return h;
    }

    /** The kombu Redis envelope (body base64) for {@code queue}. */
    String envelope(String queue) {
      ArrayNode body = CeleryJson.array();
      body.add(CeleryJson.toTree(args));
      body.add(CeleryJson.object());
      ObjectNode embed = body.addObject();
      embed.set("callbacks", callbacks);
      embed.set("errbacks", errbacks);
      embed.set("chain", chain);
      embed.set("chord", chord);
      ObjectNode e = CeleryJson.object();
      e.put(
          "body",
          Base64.getEncoder()
              .encodeToString(CeleryJson.write(body).getBytes(StandardCharsets.UTF_8)));
      e.put("content-encoding", "utf-8");
      e.put("content-type", "application/json");
      e.set("headers", headers());
      ObjectNode p = e.putObject("properties");
      p.put("correlation_id", id);
      p.put("reply_to", REPLY_TO);
      p.put("delivery_mode", 2);
      ObjectNode info = p.putObject("delivery_info");
      info.put("exchange", "");
      info.put("routing_key", queue);
      p.put("priority", 0);
      p.put("body_encoding", "base64");
      p.put("delivery_tag", UUID.randomUUID().toString());
      return CeleryJson.write(e);
    }
  }
}
