package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch's envelopes are byte for byte the general writer's, whether the shape (headers,
 * properties, content type) stays or changes between messages, and whatever the tag holds.
 */
class RedisPublishBatchTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34})
  void everyEnvelopeIsTheGeneralWritersBytes(long seed) {
    Random random = new Random(seed);
    RedisPublishBatch batch = new RedisPublishBatch("celeryev", "task.multi");
    WireMessage previous = message(random);
    for (int i = 0; i < 40; i++) {
      WireMessage message = random.nextInt(4) == 0 ? message(random) : sameShape(previous, random);
      String tag =
          random.nextInt(10) == 0
              ? "tag \"" + i + "\" é\\"
              : java.util.UUID.randomUUID().toString();
      byte[] expected = RedisEnvelope.encodeForPublishUtf8(message, "celeryev", "task.multi", tag);
      assertThat(new String(batch.encode(message, tag), StandardCharsets.UTF_8))
          .isEqualTo(new String(expected, StandardCharsets.UTF_8));
      previous = message;
    }
  }

  private static WireMessage message(Random random) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("hostname", "worker-" + random.nextInt(3) + "@host");
    if (random.nextBoolean()) {
      headers.put("x-" + random.nextInt(5), random.nextInt(100));
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", 1 + random.nextInt(2));
    properties.put("priority", random.nextInt(3));
    if (random.nextBoolean()) {
      properties.put("correlation_id", "c-" + random.nextInt(1000));
    }
    return new WireMessage(
        headers,
        properties,
        random.nextBoolean() ? "application/json" : "application/x-yaml",
        "utf-8",
        body(random));
  }

  private static WireMessage sameShape(WireMessage like, Random random) {
    return new WireMessage(
        like.headers(),
        like.properties(),
        like.contentType(),
        like.contentEncoding(),
        body(random));
  }

  private static byte[] body(Random random) {
    byte[] body = new byte[random.nextInt(300)];
    random.nextBytes(body);
    return body;
  }
}
