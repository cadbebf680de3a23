package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes plain values (text, numbers, booleans, null, and lists and string-keyed maps of them) with
 * Jackson's streaming generator alone, exactly as {@link CeleryJson#MAPPER} would; any other value
 * goes through that mapper. Envelopes and monitoring events hold only plain values, so sending them
 * needs no object serializers: a cheaper send, and an idle worker that never loads them. Stateless
 * and thread-safe; called from any thread.
 */
public final class PlainJson {
  /** A streaming-only factory with the mapper's defaults. */
  public static final JsonFactory FACTORY = new JsonFactory();

  private PlainJson() {}

  /** Writes one value; non-plain values (dates, records, arrays…) through the shared mapper. */
  public static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof Map<?, ?> map && stringKeys(map)) {
      g.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        g.writeFieldName((String) entry.getKey());
        write(g, entry.getValue());
      }
      g.writeEndObject();
    } else {
      CeleryJson.MAPPER.writeValue(g, value);
    }
  }

  private static boolean stringKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }
}
