package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Writes a fixed-point number (an integer count of micro- or nanoseconds as seconds) as a JSON
 * number without going through {@code double}: {@code 1795515189939134} micros at scale 6 is {@code
 * 1795515189.939134}. Python reads it as the float Celery would have sent. {@code Double.toString}
 * was a seventh of the event writer's time. Stateless; any thread.
 */
public final class DecimalText {
  private DecimalText() {}

  /** Writes {@code units / 10^scale} as a JSON number with {@code scale} decimals. */
  public static void write(JsonGenerator g, long units, int scale) throws IOException {
    char[] text = new char[22 + scale];
    int end = text.length;
    int at = end;
    long rest = Math.abs(units);
    for (int i = 0; i < scale; i++) {
      text[--at] = (char) ('0' + rest % 10);
      rest /= 10;
    }
    if (scale > 0) {
      text[--at] = '.';
    }
    do {
      text[--at] = (char) ('0' + rest % 10);
      rest /= 10;
    } while (rest > 0);
    if (units < 0) {
      text[--at] = '-';
    }
    g.writeNumber(text, at, end - at);
  }
}
