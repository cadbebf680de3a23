package dev.apium.protocol;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The read-only headers or properties of a {@link WireMessage}: a view of a map that nothing else
 * holds, so a message made from another message's maps, or from a map this package has just built
 * and handed over ({@link #own}), keeps it as it is instead of copying it. Every consumed message's
 * ~25 header and property entries used to be copied once more after decoding. Immutable once made;
 * any thread.
 */
final class FrozenMap extends AbstractMap<String, Object> {
  private static final FrozenMap EMPTY = new FrozenMap(new LinkedHashMap<>());

  private final Map<String, Object> entries;

  private FrozenMap(Map<String, Object> entries) {
    this.entries = entries;
  }

  /** {@code map} as it is if already frozen, else a frozen copy (insertion order kept). */
  static Map<String, Object> of(Map<String, Object> map) {
    if (map instanceof FrozenMap frozen) {
      return frozen;
    }
    return map.isEmpty() ? EMPTY : new FrozenMap(new LinkedHashMap<>(map));
  }

  /**
   * {@code map} frozen without a copy. The caller hands it over: it has just built the map, shares
   * it with no one, and never touches it again.
   */
  static Map<String, Object> own(LinkedHashMap<String, Object> map) {
    return new FrozenMap(map);
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return entries.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return entries.containsValue(value);
  }

  @Override
  public Object get(Object key) {
    return entries.get(key);
  }

  @Override
  public Object getOrDefault(Object key, Object fallback) {
    return entries.getOrDefault(key, fallback);
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    entries.forEach(action);
  }

  @Override
  public Set<String> keySet() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  @Override
  public Collection<Object> values() {
    return Collections.unmodifiableCollection(entries.values());
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return Collections.unmodifiableMap(entries).entrySet();
  }
}
