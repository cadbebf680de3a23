package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.PythonRepr;
import dev.apium.protocol.Stamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Celery 5.3+'s {@code revoke_by_stamped_headers}: remembers revoked stamp values ({@code
 * {"tenant": "acme"}} or {@code {"tenant": ["acme", "zeta"]}}, or Celery's CLI list form {@code
 * ["tenant=acme"]}) and says whether a task message's stamps match one, so the worker drops it as
 * revoked when it arrives or comes due. Entry points: {@link #command(JsonNode)} for the mailbox
 * command (its arguments {@code headers}, {@code terminate}, {@code signal}), {@link #matches(Map)}
 * for each delivery's headers, {@link #matching(JsonNode, Map)} to pick the running tasks a {@code
 * terminate} stops, and {@link #reply} for Celery's reply texts. Thread-safe: the mailbox thread
 * writes, delivery threads read.
 */
public final class StampRevocations {
  private final Map<String, Set<Object>> revoked = new ConcurrentHashMap<>();

  /**
   * Records the revoked stamps of a {@code revoke_by_stamped_headers} command; returns its headers
   * as a dict (Celery turns the list form {@code ["k=v"]} into {@code {"k": "v"}}).
   */
  public JsonNode command(JsonNode arguments) {
    JsonNode headers = headers(arguments.path("headers"));
    headers
        .properties()
        .forEach(
            e -> {
              Set<Object> values =
                  revoked.computeIfAbsent(e.getKey(), k -> ConcurrentHashMap.newKeySet());
              values.addAll(values(e.getValue()));
            });
    return headers;
  }

  private static JsonNode headers(JsonNode given) {
    if (!given.isArray()) {
      return given.isObject() ? given : CeleryJson.object();
    }
    ObjectNode out = CeleryJson.object();
    for (JsonNode item : given) {
      String text = item.asText();
      int eq = text.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "revoke_by_stamped_headers: '" + text + "' is not name=value; write tenant=acme");
      }
      out.put(text.substring(0, eq), text.substring(eq + 1));
    }
    return out;
  }

  private static List<Object> values(JsonNode value) {
    List<Object> out = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(v -> out.add(plain(v)));
    } else {
      out.add(plain(value));
    }
    return out;
  }

  private static Object plain(JsonNode value) {
    return CeleryJson.MAPPER.convertValue(value, Object.class);
  }

  /** True when one of the message's stamps has a revoked value. */
  public boolean matches(Map<String, Object> messageHeaders) {
    if (revoked.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, Object> stamp : Stamps.of(messageHeaders).entrySet()) {
      Set<Object> values = revoked.get(stamp.getKey());
      if (values != null && !intersect(values, stamp.getValue()).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The stamps of a message that {@code headers} (one command's) revoke, by stamp name; empty when
   * none matches. As Celery's terminate: a stamp that is a list matches by any of its values.
   */
  public static Map<String, Set<Object>> matching(
      JsonNode headers, Map<String, Object> messageHeaders) {
    Map<String, Set<Object>> out = new LinkedHashMap<>();
    Map<String, Object> stamps = Stamps.of(messageHeaders);
    headers
        .properties()
        .forEach(
            e -> {
              if (stamps.containsKey(e.getKey())) {
                Set<Object> hit =
                    intersect(new LinkedHashSet<>(values(e.getValue())), stamps.get(e.getKey()));
                if (!hit.isEmpty()) {
                  out.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>()).addAll(hit);
                }
              }
            });
    return out;
  }

  private static Set<Object> intersect(Set<Object> revokedValues, Object stamp) {
    Set<Object> out = new LinkedHashSet<>();
    List<?> candidates = stamp instanceof List<?> list ? list : java.util.Arrays.asList(stamp);
    for (Object v : candidates) {
      if (revokedValues.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * Celery 5.3+'s reply texts: {@code headers {'tenant': 'acme'} flagged as revoked, but not
   * terminated} without terminate; with it {@code headers {...} were not terminated} when nothing
   * matching ran, else {@code headers {'tenant': {'acme'}} revoked} (the terminated stamps).
   */
  public static String reply(
      JsonNode headers, boolean terminate, Map<String, Set<Object>> terminated) {
    if (!terminate) {
      return "headers " + PythonRepr.of(headers) + " flagged as revoked, but not terminated";
    }
    if (terminated.isEmpty()) {
      return "headers " + PythonRepr.of(headers) + " were not terminated";
    }
    StringBuilder out = new StringBuilder("headers defaultdict(<class 'set'>, {");
    int n = 0;
    for (Map.Entry<String, Set<Object>> e : terminated.entrySet()) {
      out.append(n++ > 0 ? ", " : "").append(PythonRepr.of(CeleryJson.toTree(e.getKey())));
      out.append(": {");
      int m = 0;
      for (Object v : e.getValue()) {
        out.append(m++ > 0 ? ", " : "").append(PythonRepr.of(CeleryJson.toTree(v)));
      }
      out.append('}');
    }
    return out.append("}) revoked").toString();
  }

  /** The revoked stamps, for {@code inspect revoked}-like answers. */
  public Map<String, Set<Object>> snapshot() {
    return Map.copyOf(revoked);
  }
}
