package dev.apium.jdbc;

/**
 * AMQP topic matching for fan-out binding keys: words split on {@code .}, {@code *} matches one
 * word, {@code #} zero or more; an empty pattern matches everything. Stateless.
 */
final class TopicPattern {
  private TopicPattern() {}

  static boolean matches(String pattern, String routingKey) {
    if (pattern == null || pattern.isEmpty() || pattern.equals("#")) {
      return true;
    }
    String[] p = pattern.split("\\.", -1);
    String[] k = routingKey == null ? new String[] {""} : routingKey.split("\\.", -1);
    return match(p, 0, k, 0);
  }

  private static boolean match(String[] p, int i, String[] k, int j) {
    if (i == p.length) {
      return j == k.length;
    }
    if (p[i].equals("#")) {
      for (int skip = j; skip <= k.length; skip++) {
        if (match(p, i + 1, k, skip)) {
          return true;
        }
      }
      return false;
    }
    if (j == k.length) {
      return false;
    }
    return (p[i].equals("*") || p[i].equals(k[j])) && match(p, i + 1, k, j + 1);
  }
}
