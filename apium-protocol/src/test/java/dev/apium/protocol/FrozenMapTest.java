package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrozenMapTest {
  @Test
  void aMessageKeepsACopyOfAMapItWasGivenAndSharesItsOwnWithTheNext() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("task", "add");
    given.put("eta", null);
    WireMessage first = WireMessage.json(given, Map.of("priority", 0), new byte[0]);
    given.put("task", "changed");

    assertThat(first.headers()).containsExactly(Map.entry("task", "add"), entry("eta", null));
    WireMessage second = first.withProperty("delivery_mode", 2);
    assertThat(second.headers()).isSameAs(first.headers());
    assertThat(second.properties())
        .containsExactly(Map.entry("priority", 0), Map.entry("delivery_mode", 2));
    assertThat(first.properties()).containsExactly(Map.entry("priority", 0));
  }

  @Test
  void frozenMapsRefuseEveryChangeAndEqualOrdinaryMaps() {
    Map<String, Object> frozen = FrozenMap.of(new LinkedHashMap<>(Map.of("a", 1)));
    assertThatThrownBy(() -> frozen.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(frozen::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.merge("a", 1, (x, y) -> y))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.entrySet().iterator().next().setValue(5))
        .isInstanceOf(UnsupportedOperationException.class);
    Iterator<String> keys = frozen.keySet().iterator();
    keys.next();
    assertThatThrownBy(keys::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.values().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(frozen).isEqualTo(Map.of("a", 1)).hasSameHashCodeAs(Map.of("a", 1));
    assertThat(FrozenMap.of(frozen)).isSameAs(frozen);
  }

  @Test
  void decodedEnvelopesKeepTheirHeadersInOrderAndReadOnly() {
    WireMessage original =
        WireMessage.json(
            new LinkedHashMap<>(Map.of("task", "add")), Map.of("priority", 3), new byte[] {'1'});
    byte[] envelope = RedisEnvelope.encodeForPublishUtf8(original, "", "celery", "tag-1");
    WireMessage read =
        RedisEnvelope.decode(new String(envelope, java.nio.charset.StandardCharsets.UTF_8), true);

    assertThat(read.headers()).containsExactly(Map.entry("task", "add"));
    assertThat(read.properties())
        .containsEntry("priority", 3)
        .containsEntry("body_encoding", "base64")
        .containsEntry("delivery_tag", "tag-1");
    assertThatThrownBy(() -> read.headers().put("task", "x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static Map.Entry<String, Object> entry(String key, Object value) {
    return new java.util.AbstractMap.SimpleEntry<>(key, value);
  }
}
