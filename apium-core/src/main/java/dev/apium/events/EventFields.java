package dev.apium.events;

import dev.apium.protocol.JsonBytes;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fields of one monitoring event, written straight into the event's JSON object between the
 * common fields ({@code hostname, utcoffset, pid, clock}) and {@code timestamp, type}. A worker's
 * task events are written on the dispatcher's writer thread, so an implementation must read only
 * values that do not change after the event was sent; reprs and other formatting belong inside
 * {@link #write}, where they cost the task's thread nothing.
 */
@FunctionalInterface
public interface EventFields {
  /** Writes the fields (names and values) into the open event object. */
  void write(JsonBytes out);

  /** Fields given as a map, written in its order. */
  static EventFields of(Map<String, Object> fields) {
    return out -> {
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        out.field(field.getKey(), field.getValue());
      }
    };
  }

  /** Fields given as a map that is built only when the event is written. */
  static EventFields lazy(Supplier<Map<String, Object>> fields) {
    return out -> of(fields.get()).write(out);
  }
}
