package dev.apium;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The setting names Apium knows: Celery 5.2.6's (from {@code celery.app.defaults}) and Apium's own,
 * listed in {@code known-settings.txt}; and the closest known name to a misspelt one (Levenshtein
 * distance). Immutable; loaded once.
 */
final class KnownSettings {
  static final Set<String> NAMES = load();

  private KnownSettings() {}

  static boolean known(String key) {
    return NAMES.contains(key)
        || key.startsWith("broker_transport_options.")
        || key.startsWith("broker_use_ssl.")
        || key.startsWith("redis_backend_use_ssl.");
  }

  /** The known name nearest to {@code key}, or null when none is close (over a third changed). */
  static String closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : NAMES) {
      int d = distance(key, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Set<String> load() {
    Set<String> names = new TreeSet<>();
    try (InputStream in = KnownSettings.class.getResourceAsStream("known-settings.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      reader
          .lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(names);
  }
}
