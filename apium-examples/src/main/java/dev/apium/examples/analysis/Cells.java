package dev.apium.examples.analysis;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading table cells the same way for CSV (text) and JSON (numbers), and ordering group names
 * naturally ({@code 2} before {@code 10}). Stateless.
 */
final class Cells {
  private static final Pattern LEADING_NUMBER = Pattern.compile("^-?\\d+(\\.\\d+)?");

  /** Group names: by their leading number when both have one, else alphabetically. */
  static final Comparator<String> NATURAL =
      (a, b) -> {
        Double x = leadingNumber(a);
        Double y = leadingNumber(b);
        if (x != null && y != null && !x.equals(y)) {
          return Double.compare(x, y);
        }
        return a.compareTo(b);
      };

  private Cells() {}

  /** A cell as a number; null or blank is missing (null). */
  static Double numberOrNull(Object cell, String column) {
    if (cell == null || (cell instanceof String s && s.isBlank())) {
      return null;
    }
    return number(cell, column);
  }

  static double number(Object cell, String column) {
    if (cell instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(cell.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "column '" + column + "' holds '" + cell + "', which is not a number");
    }
  }

  /** {@code 500} rather than {@code 500.0} for whole numbers. */
  static String format(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  private static Double leadingNumber(String text) {
    Matcher m = LEADING_NUMBER.matcher(text);
    return m.find() ? Double.valueOf(m.group()) : null;
  }
}
