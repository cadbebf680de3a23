package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the Celery captures under {@code src/test/resources/captures} for the golden tests. */
final class Captures {
  private Captures() {}

  static String text(String name) {
    try (InputStream in = Captures.class.getResourceAsStream("/captures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no capture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String name) {
    return CeleryJson.parse(text(name));
  }

  static JsonNode tree(Object value) {
    return CeleryJson.toTree(value);
  }

  /** The capture-A envelope as kombu's Redis transport stores it. */
  static WireMessage redisTask() {
    return RedisEnvelope.decode(text("A-redis-envelope.json"));
  }

  static WireMessage withBody(WireMessage wire, String json) {
    return new WireMessage(
        wire.headers(),
        wire.properties(),
        wire.contentType(),
        wire.contentEncoding(),
        json.getBytes(StandardCharsets.UTF_8));
  }

  /** Properties kombu's virtual transport adds and a task codec does not own. */
  static Map<String, Object> celeryProperties(WireMessage wire) {
    Map<String, Object> out = new LinkedHashMap<>(wire.properties());
    out.remove("delivery_info");
    out.remove("body_encoding");
    out.remove("delivery_tag");
    return out;
  }
}
