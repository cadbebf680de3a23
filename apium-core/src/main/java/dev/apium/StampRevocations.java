package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Stamps;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Celery 5.3+'s {@code revoke_by_stamped_headers}: remembers revoked stamp values ({@code
 * {"tenant": "acme"}} or {@code {"tenant": ["acme", "zeta"]}}) and says whether a task message's
 * stamps match one, so the worker drops it as revoked when it arrives or comes due. Entry points:
 * {@link #command(JsonNode)} for the mailbox command (its arguments {@code headers}, {@code
 * terminate}, {@code signal}), {@link #matches(Map)} for each delivery's headers. Thread-safe: the
 * mailbox thread writes, delivery threads read.
 */
public final class StampRevocations {
  private final Map<String, Set<Object>> revoked = new ConcurrentHashMap<>();

  /**
   * Records the revoked stamps of a {@code revoke_by_stamped_headers} command and returns Celery's
   * reply text.
   */
  public String command(JsonNode arguments) {
    JsonNode headers = arguments.path("headers");
    headers
        .properties()
        .forEach(
            e -> {
              Set<Object> values =
                  revoked.computeIfAbsent(e.getKey(), k -> ConcurrentHashMap.newKeySet());
              if (e.getValue().isArray()) {
                e.getValue().forEach(v -> values.add(plain(v)));
              } else {
                values.add(plain(e.getValue()));
              }
            });
    return "headers " + CeleryJson.write(headers) + " flagged as revoked";
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
      if (values == null) {
        continue;
      }
      Object value = stamp.getValue();
      if (value instanceof List<?> list) {
        for (Object v : list) {
          if (values.contains(v)) {
            return true;
          }
        }
      } else if (values.contains(value)) {
        return true;
      }
    }
    return false;
  }

  /** The revoked stamps, for {@code inspect revoked}-like answers. */
  public Map<String, Set<Object>> snapshot() {
    return Map.copyOf(revoked);
  }
}
