package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/** A zip bomb and a deeply nested body are refused with the limit and its setting named. */
class MessageLimitsTest {
  private static final Map<String, Object> HEADERS = Map.of("task", "t.add", "id", "1");

  static byte[] zlib(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(raw);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** A valid task body padded with spaces to {@code size} bytes, zlib-compressed. */
  static byte[] bomb(int size) {
    byte[] raw = new byte[size];
    java.util.Arrays.fill(raw, (byte) ' ');
    byte[] body = "[[1], {}, {}]".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(body, 0, raw, 0, body.length);
    return zlib(raw);
  }

  static String nested(int depth) {
    return "[[" + "[".repeat(depth) + "]".repeat(depth) + "], {}, {}]";
  }

  private static WireMessage compressed(byte[] body) {
    return WireMessage.json(HEADERS, Map.of(), body).withHeader("compression", "application/zlib");
  }

  @Test
  void zipBombIsRefusedAtTheCap() {
    WireMessage bomb = compressed(bomb(200 << 20));
    assertThat(bomb.body().length).isLessThan(1 << 20);
    assertThatThrownBy(() -> TaskMessageCodec.decode(bomb))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("inflates past 67108864 bytes")
        .hasMessageContaining("message_max_decompressed_bytes");
  }

  @Test
  void bodyUnderTheCapInflates() {
    WireMessage ok = compressed(bomb(1 << 20));
    assertThat(TaskMessageCodec.decode(ok, new MessageLimits(1 << 20, 1000)).args()).hasSize(1);
    assertThatThrownBy(() -> TaskMessageCodec.decode(ok, new MessageLimits((1 << 20) - 1, 1000)))
        .hasMessageContaining("inflates past 1048575 bytes");
  }

  @Test
  void hundredThousandLevelsAreRefused() {
    WireMessage deep =
        WireMessage.json(HEADERS, Map.of(), nested(100_000).getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> TaskMessageCodec.decode(deep))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("nests deeper than 1000 levels")
        .hasMessageContaining("message_max_json_depth");
  }

  @Test
  void depthLimitIsTheSetting() {
    WireMessage fifty =
        WireMessage.json(HEADERS, Map.of(), nested(50).getBytes(StandardCharsets.US_ASCII));
    assertThat(TaskMessageCodec.decode(fifty, new MessageLimits(1 << 20, 60)).args()).hasSize(1);
    assertThatThrownBy(() -> TaskMessageCodec.decode(fifty, new MessageLimits(1 << 20, 40)))
        .hasMessageContaining("nests deeper than 40 levels");
  }

  @Test
  void nonsenseLimitsNameTheSetting() {
    assertThatThrownBy(() -> new MessageLimits(0, 10))
        .hasMessageContaining("message_max_decompressed_bytes");
    assertThatThrownBy(() -> new MessageLimits(10, 0))
        .hasMessageContaining("message_max_json_depth");
  }
}
