package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The third element of a v2 task body: {@code callbacks}, {@code errbacks}, {@code chain}
 * (remaining chain links, last first) and {@code chord} (the body signature of the chord this task
 * belongs to). A null list means "absent" and is written as JSON null; an empty chain is written as
 * [].
 */
public record Embed(
    List<Signature> callbacks, List<Signature> errbacks, List<Signature> chain, Signature chord) {
  public static final Embed NONE = new Embed(null, null, null, null);

  public Embed {
    callbacks = callbacks == null ? null : List.copyOf(callbacks);
    errbacks = errbacks == null ? null : List.copyOf(errbacks);
    chain = chain == null ? null : List.copyOf(chain);
  }

  public static Embed fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NONE;
    }
    JsonNode chord = node.get("chord");
    return new Embed(
        list(node.get("callbacks")),
        list(node.get("errbacks")),
        list(node.get("chain")),
        chord == null || chord.isNull() ? null : Signature.fromJson(chord));
  }

  static List<Signature> list(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    List<Signature> out = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode item : node) {
        out.add(Signature.fromJson(item));
      }
    } else {
      out.add(Signature.fromJson(node));
    }
    return out;
  }

  public ObjectNode toJson() {
    ObjectNode node = CeleryJson.object();
    node.set("callbacks", json(callbacks));
    node.set("errbacks", json(errbacks));
    node.set("chain", json(chain));
    node.set("chord", chord == null ? null : chord.toJson());
    return node;
  }

  private static JsonNode json(List<Signature> sigs) {
    if (sigs == null) {
      return null;
    }
    ArrayNode array = CeleryJson.array();
    sigs.forEach(s -> array.add(s.toJson()));
    return array;
  }

  public Embed withChain(List<Signature> newChain) {
    return new Embed(callbacks, errbacks, newChain, chord);
  }

  public Embed withChord(Signature newChord) {
    return new Embed(callbacks, errbacks, chain, newChord);
  }

  public Embed withCallbacks(List<Signature> links, List<Signature> errorLinks) {
    return new Embed(links, errorLinks, chain, chord);
  }
}
