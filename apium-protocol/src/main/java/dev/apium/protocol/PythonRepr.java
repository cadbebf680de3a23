package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Python {@code repr()} of JSON values, for the display-only fields Celery fills with it ({@code
 * argsrepr}, {@code kwargsrepr}, event args). Output is cut to 1024 characters as Celery does, and
 * writing stops once past them: a task that takes a picture of 100 KB as text does not have a repr
 * of 100 KB built first. Stateless; any thread.
 */
public final class PythonRepr {
  private static final int MAX = 1024;

  private PythonRepr() {}

  /** The args list as a Python tuple: {@code (2, 3)}, {@code (42,)}, {@code ()}. */
  public static String ofArgs(JsonNode args) {
    StringBuilder out = new StringBuilder("(");
    int n = 0;
    if (args != null) {
      for (JsonNode arg : args) {
        if (out.length() > MAX) {
          return cut(out.toString());
        }
        if (n++ > 0) {
          out.append(", ");
        }
        append(out, arg);
      }
    }
    if (n == 1) {
      out.append(',');
    }
    return cut(out.append(')').toString());
  }

  public static String of(JsonNode value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return cut(out.toString());
  }

  private static String cut(String text) {
    return text.length() <= MAX ? text : text.substring(0, MAX - 3) + "...";
  }

  private static void append(StringBuilder out, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      out.append("None");
    } else if (value.isBoolean()) {
      out.append(value.booleanValue() ? "True" : "False");
    } else if (value.isNumber()) {
      out.append(value.asText());
    } else if (value.isTextual()) {
      quote(out, value.textValue());
    } else if (value.isArray()) {
      out.append('[');
      int i = 0;
      for (JsonNode item : value) {
        if (out.length() > MAX) {
          return; // cut() keeps only the first MAX - 3 chars
        }
        if (i++ > 0) {
          out.append(", ");
        }
        append(out, item);
      }
      out.append(']');
    } else {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
      int i = 0;
      while (fields.hasNext()) {
        if (out.length() > MAX) {
          return;
        }
        Map.Entry<String, JsonNode> field = fields.next();
        if (i++ > 0) {
          out.append(", ");
        }
        quote(out, field.getKey());
        out.append(": ");
        append(out, field.getValue());
      }
      out.append('}');
    }
  }

  private static void quote(StringBuilder out, String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < text.length() && out.length() <= MAX; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
            out.append(String.format("\\x%02x", (int) c));
          } else if (c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append(quote);
  }
}
