package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lean writer gives the shared mapper's exact text for random nests of plain and non-plain
 * values, and the publish envelope equals the one built from maps as before.
 */
class JsonBytesAgainstMapperTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234, 99991})
  void writesWhatTheMapperWrites(long seed) throws Exception {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      Object value = randomValue(random, 0);
      JsonBytes out = new JsonBytes(16);
      out.value(value);
      assertThat(new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(CeleryJson.MAPPER.writeValueAsString(value));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  void publishEnvelopeIsTheMapBuiltOne(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 50; i++) {
      Map<String, Object> headers = randomMap(random, 1);
      Map<String, Object> properties = randomMap(random, 1);
      if (random.nextBoolean()) {
        properties.put("priority", random.nextInt(10));
      }
      if (random.nextBoolean()) {
        properties.put("delivery_tag", "old");
        properties.put("body_encoding", "base64");
        properties.put("delivery_info", Map.of("exchange", "x"));
      }
      byte[] body = new byte[random.nextInt(300)];
      random.nextBytes(body);
      WireMessage message = new WireMessage(headers, properties, "application/json", "utf-8", body);

      String streamed =
          new String(
              RedisEnvelope.encodeForPublishUtf8(message, "celery", "rk", "tag-1"),
              StandardCharsets.UTF_8);

      Map<String, Object> props = new LinkedHashMap<>();
      properties.forEach(
          (k, v) -> {
            if (!List.of("delivery_info", "priority", "body_encoding", "delivery_tag")
                .contains(k)) {
              props.put(k, v);
            }
          });
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("exchange", "celery");
      info.put("routing_key", "rk");
      props.put("delivery_info", info);
      props.put("priority", properties.getOrDefault("priority", 0));
      props.put("body_encoding", "base64");
      props.put("delivery_tag", "tag-1");
      Map<String, Object> envelope = new LinkedHashMap<>();
      envelope.put("body", java.util.Base64.getEncoder().encodeToString(body));
      envelope.put("content-encoding", "utf-8");
      envelope.put("content-type", "application/json");
      envelope.put("headers", headers);
      envelope.put("properties", props);
      assertThat(streamed).isEqualTo(CeleryJson.write(envelope));
      assertThat(RedisEnvelope.decode(streamed).body()).isEqualTo(body);
    }
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 9 : 11);
    return switch (kind) {
      case 0 -> null;
      case 1 -> "t\"e\\x\u00e9\n\b\f\u0001\u007f\u2028🎉" + random.nextInt();
      case 2 -> random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble() * 1e6;
      case 5 -> random.nextBoolean();
      case 6 -> BigDecimal.valueOf(random.nextLong(), 3);
      case 7 -> Instant.ofEpochSecond(random.nextInt(2_000_000_000));
      case 8 -> (float) random.nextDouble();
      case 9 -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
      default -> randomMap(random, depth + 1);
    };
  }

  private static Map<String, Object> randomMap(Random random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      map.put("k" + random.nextInt(100), randomValue(random, depth + 1));
    }
    return map;
  }
}
