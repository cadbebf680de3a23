package dev.apium.protocol;

/**
 * Escapes UTF-8 text for the inside of a JSON string, in one tight pass over the bytes: {@code "}
 * and {@code \} get a backslash, control characters become {@code \}{@code u00XX} (or {@code \n},
 * {@code \r}, {@code \t}), every other byte (multi-byte UTF-8 included) is copied. Used for a Redis
 * envelope whose body is JSON text sent as it is: Jackson's general escaping of a byte array full
 * of quotes was a quarter of the event writer's time. Stateless; any thread.
 */
public final class JsonStringBytes {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

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

  /**
   * Extra bytes each ASCII byte needs when escaped: 0 for most, 1 for {@code " \\ \n \r \t}, 5 for
   * the other control characters ({@code \\u00XX}). Bytes of multi-byte UTF-8 (negative as Java
   * bytes) need none.
   */
  private static final byte[] EXTRA = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      EXTRA[c] = 5;
    }
    for (char c : new char[] {'"', '\\', '\n', '\r', '\t'}) {
      EXTRA[c] = 1;
    }
  }

  /** How many bytes {@link #escapeInto} writes for {@code utf8}. */
  public static int escapedLength(byte[] utf8) {
    int length = utf8.length;
    for (byte b : utf8) {
      if (b >= 0) {
        length += EXTRA[b];
      }
    }
    return length;
  }

  /** Writes the escaped bytes into {@code out} from {@code at}; returns the index after them. */
  public static int escapeInto(byte[] utf8, byte[] out, int at) {
    for (byte b : utf8) {
      if (b < 0 || EXTRA[b] == 0) {
        out[at++] = b;
      } else if (b == '"' || b == '\\') {
        out[at++] = '\\';
        out[at++] = b;
      } else {
        out[at++] = '\\';
        switch (b) {
          case '\n' -> out[at++] = 'n';
          case '\r' -> out[at++] = 'r';
          case '\t' -> out[at++] = 't';
          default -> {
            out[at++] = 'u';
            out[at++] = '0';
            out[at++] = '0';
            out[at++] = HEX[b >> 4];
            out[at++] = HEX[b & 0xF];
          }
        }
      }
    }
    return at;
  }
}
