package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON straight into one growable byte array that its owner may reset and reuse: field names
 * pre-encoded as {@link Name}s, strings escaped exactly as Jackson escapes them, numbers as text,
 * fixed-point decimals without a {@code double}, plain values (text, numbers, booleans, null, lists
 * and string-keyed maps) as {@link CeleryJson#MAPPER} writes them, anything else through that
 * mapper. Monitoring events and Redis envelopes are flat, plain and many (a busy worker writes some
 * 80,000 events a second): a general generator's state keeping, and the JIT compiling it, cost more
 * than the bytes themselves (measured in {@code docs/benchmarks.md}). Not thread-safe: one per
 * writing thread.
 */
public final class JsonBytes {
  /** A field name, encoded once as {@code "name":}. */
  public static final class Name {
    final byte[] quoted;

    private Name(String name) {
      JsonBytes json = new JsonBytes(name.length() + 8);
      json.string(name);
      json.put((byte) ':');
      this.quoted = json.toByteArray();
    }

    /** The name encoded for writing. */
    public static Name of(String name) {
      return new Name(name);
    }
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf;
  private int size;
  private boolean firstField = true;

  public JsonBytes(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** Forgets what was written; the array is kept. */
  public void reset() {
    size = 0;
    firstField = true;
  }

  public int size() {
    return size;
  }

  /** A copy of what was written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  // ---- structure ----

  public void put(byte b) {
    if (size == buf.length) {
      grow(1);
    }
    buf[size++] = b;
  }

  public void put(byte[] bytes) {
    if (size + bytes.length > buf.length) {
      grow(bytes.length);
    }
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
  }

  private void grow(int more) {
    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
  }

  /** Opens an object whose first field has no comma before it. */
  public void startObject() {
    put((byte) '{');
    firstField = true;
  }

  /** Continues an object whose opening (and some fields) were put as bytes. */
  public void continueObject() {
    firstField = false;
  }

  public void endObject() {
    put((byte) '}');
  }

  /** Writes a field's name (and the comma before it, unless it is the object's first). */
  public void fieldName(Name name) {
    if (!firstField) {
      put((byte) ',');
    }
    firstField = false;
    put(name.quoted);
  }

  // ---- fields ----

  public void field(Name name, String value) {
    fieldName(name);
    string(value);
  }

  public void field(Name name, long value) {
    fieldName(name);
    number(value);
  }

  public void field(Name name, boolean value) {
    fieldName(name);
    put(value ? TRUE : FALSE);
  }

  /** {@code units / 10^scale} as a number with {@code scale} decimals (no {@code double}). */
  public void decimalField(Name name, long units, int scale) {
    fieldName(name);
    decimal(units, scale);
  }

  /** A field of any plain value: text, number, boolean, null, lists and string-keyed maps. */
  public void field(String name, Object value) {
    fieldName(name);
    value(value);
  }

  /** Writes a field's name given as text (a {@link Name} is cheaper for names used often). */
  public void fieldName(String name) {
    if (!firstField) {
      put((byte) ',');
    }
    firstField = false;
    string(name);
    put((byte) ':');
  }

  // ---- values ----

  public void number(long value) {
    if (value >= 0 && value < 10) { // retries, flags, most counters: one digit
      put((byte) ('0' + value));
      return;
    }
    if (value == Long.MIN_VALUE) {
      put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
      return;
    }
    if (size + 20 > buf.length) {
      grow(20);
    }
    long rest = value;
    if (rest < 0) {
      buf[size++] = '-';
      rest = -rest;
    }
    int digits = 1;
    for (long bound = 10; digits < 19 && rest >= bound; bound *= 10) {
      digits++;
    }
    appendDigits(digits, rest);
  }

  /**
   * Appends the lowest {@code count} decimal digits of {@code value} (zero-padded; room already
   * made), two digits per division: an event's clock and timestamp are 10 to 16 digits long.
   */
  private void appendDigits(int count, long value) {
    size += count;
    int at = size;
    long rest = value;
    int left = count;
    for (; left >= 2; left -= 2) {
      int pair = (int) (rest % 100) * 2;
      rest /= 100;
      buf[--at] = DIGIT_PAIRS[pair + 1];
      buf[--at] = DIGIT_PAIRS[pair];
    }
    if (left == 1) {
      buf[--at] = (byte) ('0' + rest % 10);
    }
  }

  /** {@code "000102...99"}: the two digits of every number below 100. */
  private static final byte[] DIGIT_PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  public void decimal(long units, int scale) {
    if (size + 22 + scale > buf.length) {
      grow(22 + scale);
    }
    long rest = Math.abs(units);
    long pow = 1;
    for (int i = 0; i < scale; i++) {
      pow *= 10;
    }
    long whole = rest / pow;
    long fraction = rest % pow;
    if (units < 0) {
      put((byte) '-');
    }
    number(whole);
    if (scale > 0) {
      put((byte) '.');
      appendDigits(scale, fraction);
    }
  }

  /**
   * A JSON string (or {@code null}), escaped as JSON requires, UTF-8 encoded. The part before the
   * first char that needs an escape (all of it for ids, names and most values) is copied in one go.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) keeps each char's low byte
  public void string(String s) {
    if (s == null) {
      put(NULL);
      return;
    }
    int length = s.length();
    if (size + length + 2 > buf.length) {
      grow(length + 2);
    }
    buf[size++] = '"';
    int plain = plainPrefix(s, length);
    s.getBytes(0, plain, buf, size);
    size += plain;
    for (int i = plain; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        if (size == buf.length) {
          grow(length - i + 1);
        }
        buf[size++] = (byte) c;
      } else {
        escaped(s, i, c);
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // the pair was written as one code point
        }
      }
    }
    put((byte) '"');
  }

  /**
   * How many chars at the start are printable ASCII other than {@code "} and {@code \\}: written as
   * they are, one byte each.
   */
  static int plainPrefix(String s, int length) {
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return i;
      }
    }
    return length;
  }

  private void escaped(String s, int i, char c) {
    if (size + 12 > buf.length) {
      grow(12);
    }
    if (c < 0x80 && ESCAPES[c] != 0) {
      size = escapeAscii(c, buf, size);
    } else {
      utf8(s, i, c);
    }
  }

  /**
   * How JSON (as Jackson writes it) escapes each ASCII character inside a string: 0 for none, the
   * letter of a short escape ({@code \\n}, {@code \\"}, ...), or {@code 'u'} for {@code \\u00XX}.
   */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
    ESCAPES['\t'] = 't';
    ESCAPES['\b'] = 'b';
    ESCAPES['\f'] = 'f';
  }

  /** Writes the escape of ASCII character {@code c} (one {@link #ESCAPES} names) at {@code at}. */
  private static int escapeAscii(int c, byte[] out, int at) {
    out[at++] = '\\';
    byte form = ESCAPES[c];
    out[at++] = form;
    if (form == 'u') {
      out[at++] = '0';
      out[at++] = '0';
      out[at++] = HEX[c >> 4];
      out[at++] = HEX[c & 0xF];
    }
    return at;
  }

  /** DEL and non-ASCII as UTF-8; a lone surrogate as {@code \}{@code uXXXX}, as Jackson writes. */
  private void utf8(String s, int i, char c) {
    int cp = c;
    if (Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) {
      cp = Character.toCodePoint(c, s.charAt(i + 1));
    } else if (Character.isSurrogate(c)) {
      buf[size++] = '\\';
      buf[size++] = 'u';
      for (int shift = 12; shift >= 0; shift -= 4) {
        buf[size++] = HEX[(c >> shift) & 0xF];
      }
      return;
    }
    if (cp < 0x80) {
      buf[size++] = (byte) cp;
    } else if (cp < 0x800) {
      buf[size++] = (byte) (0xC0 | (cp >> 6));
      buf[size++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[size++] = (byte) (0xE0 | (cp >> 12));
      buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[size++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      buf[size++] = (byte) (0xF0 | (cp >> 18));
      buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[size++] = (byte) (0x80 | (cp & 0x3F));
    }
  }

  /** Any plain value; others (dates, records, trees) as the shared mapper writes them. */
  public void value(Object value) {
    if (value == null) {
      put(NULL);
    } else if (value instanceof String s) {
      string(s);
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      number(((Number) value).longValue());
    } else if (value instanceof Double d) {
      if (Double.isFinite(d)) {
        put(Double.toString(d).getBytes(StandardCharsets.US_ASCII));
      } else {
        string(Double.toString(d)); // "NaN", "Infinity": quoted, as Jackson writes them
      }
    } else if (value instanceof Float f) {
      if (Float.isFinite(f)) {
        put(Float.toString(f).getBytes(StandardCharsets.US_ASCII));
      } else {
        string(Float.toString(f));
      }
    } else if (value instanceof Boolean b) {
      put(b ? TRUE : FALSE);
    } else if (value instanceof List<?> list) {
      put((byte) '[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          put((byte) ',');
        }
        value(list.get(i));
      }
      put((byte) ']');
    } else if (value instanceof Map<?, ?> map && stringKeys(map)) {
      put((byte) '{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          put((byte) ',');
        }
        first = false;
        string((String) entry.getKey());
        put((byte) ':');
        value(entry.getValue());
      }
      put((byte) '}');
    } else if (value instanceof JsonNode node) {
      put(CeleryJson.write(node).getBytes(StandardCharsets.UTF_8));
    } else {
      try {
        put(CeleryJson.MAPPER.writeValueAsBytes(value));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write " + value.getClass().getName(), e);
      }
    }
  }

  private static boolean stringKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }
}
