package dev.apium.protocol;

/**
 * Escapes UTF-8 text for the inside of a JSON string, in one tight pass over the bytes, with {@link
 * JsonBytes}'s escapes ({@code "} and {@code \} get a backslash, control characters their short
 * form or {@code \}{@code u00XX}); every other byte (multi-byte UTF-8 included) is copied. Used for
 * a Redis envelope whose body is JSON text sent as it is: Jackson's general escaping of a byte
 * array full of quotes was a quarter of the event writer's time. Stateless; any thread.
 */
public final class JsonStringBytes {
  private JsonStringBytes() {}

  /** The escaped bytes (without the surrounding quotes). */
  public static byte[] escape(byte[] utf8) {
    int length = escapedLength(utf8);
    if (length == utf8.length) {
      return utf8;
    }
    byte[] out = new byte[length];
    escapeInto(utf8, out, 0);
    return out;
  }

  /** How many bytes {@link #escapeInto} writes for {@code utf8}. */
  public static int escapedLength(byte[] utf8) {
    int length = utf8.length;
    for (byte b : utf8) {
      if (b >= 0 && JsonBytes.ESCAPES[b] != 0) {
        length += JsonBytes.ESCAPES[b] == 'u' ? 5 : 1;
      }
    }
    return length;
  }

  /** Writes the escaped bytes into {@code out} from {@code at}; returns the index after them. */
  public static int escapeInto(byte[] utf8, byte[] out, int at) {
    for (byte b : utf8) {
      if (b < 0 || JsonBytes.ESCAPES[b] == 0) {
        out[at++] = b;
      } else {
        at = JsonBytes.escapeAscii(b, out, at);
      }
    }
    return at;
  }
}
