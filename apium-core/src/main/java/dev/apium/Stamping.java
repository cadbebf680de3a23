package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Stamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Celery 5.3+'s canvas stamping: {@link #stamp(Canvas, String, Object)} stamps every signature of a
 * canvas (chain steps, group and chord members, a chord's body, and their {@code link} / {@code
 * link_error} callbacks), in Celery's signature form: the name in the {@code stamped_headers}
 * option list and the value in an option of the same name. {@link #headers(JsonNode)} turns those
 * options into the task message's {@code stamped_headers} / {@code stamps} headers when the
 * signature is sent, so a Python worker sees the stamps as {@code self.request.stamps}. Stateless;
 * any thread.
 */
public final class Stamping {
  private Stamping() {}

  /** {@code canvas} with the stamp {@code name = value} on every signature in it. */
  public static Canvas stamp(Canvas canvas, String name, Object value) {
    if (canvas instanceof Signature sig) {
      return stampSignature(sig, name, value);
    }
    if (canvas instanceof Chain chain) {
      return chain.withTasks(map(chain.tasks(), name, value));
    }
    if (canvas instanceof Chord chord) {
      return Chord.of(map(chord.header().tasks(), name, value), stamp(chord.body(), name, value));
    }
    if (canvas instanceof Group group) {
      return Group.of(map(group.tasks(), name, value));
    }
    throw new IllegalArgumentException("cannot stamp a " + canvas.getClass().getSimpleName());
  }

  private static List<Canvas> map(List<Canvas> tasks, String name, Object value) {
    List<Canvas> out = new ArrayList<>(tasks.size());
    for (Canvas task : tasks) {
      out.add(stamp(task, name, value));
    }
    return out;
  }

  static Signature stampSignature(Signature sig, String name, Object value) {
    if (Stamps.STAMPED_HEADERS.equals(name) || Stamps.STAMPS.equals(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is Celery's own stamping header: choose another stamp name");
    }
    return Signature.of(sig.app(), stampData(sig.data(), name, value));
  }

  private static dev.apium.protocol.Signature stampData(
      dev.apium.protocol.Signature data, String name, Object value) {
    ArrayNode names = CeleryJson.array();
    JsonNode existing = data.options().get(Stamps.STAMPED_HEADERS);
    if (existing != null && existing.isArray()) {
      names.addAll((ArrayNode) existing);
    }
    boolean known = false;
    for (JsonNode n : names) {
      known |= n.asText().equals(name);
    }
    if (!known) {
      names.add(name);
    }
    dev.apium.protocol.Signature out =
        data.withOption(Stamps.STAMPED_HEADERS, names).withOption(name, CeleryJson.toTree(value));
    for (String callbacks : List.of("link", "link_error")) {
      JsonNode list = data.options().get(callbacks);
      if (list != null && list.isArray()) {
        ArrayNode stamped = CeleryJson.array();
        for (JsonNode callback : list) {
          stamped.add(
              stampData(dev.apium.protocol.Signature.fromJson(callback), name, value).toJson());
        }
        out = out.withOption(callbacks, stamped);
      }
    }
    return out;
  }

  /**
   * The message headers for a signature's options: empty when it carries no stamps, else Celery's
   * {@code replaced_task_nesting}, {@code stamped_headers} and {@code stamps}.
   */
  static Map<String, Object> headers(JsonNode options) {
    JsonNode names = options == null ? null : options.get(Stamps.STAMPED_HEADERS);
    if (names == null || !names.isArray() || names.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> stamps = new LinkedHashMap<>();
    for (JsonNode name : names) {
      JsonNode value = options.get(name.asText());
      stamps.put(
          name.asText(),
          value == null ? null : CeleryJson.MAPPER.convertValue(value, Object.class));
    }
    JsonNode nesting = options.get(Stamps.REPLACED_TASK_NESTING);
    return Stamps.headers(stamps, nesting != null && nesting.isInt() ? nesting.asInt() : 0);
  }
}
