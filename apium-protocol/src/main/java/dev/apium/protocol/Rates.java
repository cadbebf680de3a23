package dev.apium.protocol;

/**
 * Parses Celery rate strings: {@code "10/s"}, {@code "100/m"}, {@code "1000/h"}, or a bare number
 * per second; {@code null}, empty or {@code 0} mean no limit. Used by the client's {@code
 * rate_limit} command and the worker's rate limits. Stateless.
 */
public final class Rates {
  private Rates() {}

  /** Tasks per second, or 0 for no limit. */
  public static double perSecond(String rate) {
    if (rate == null || rate.isBlank()) {
      return 0;
    }
    String text = rate.trim();
    int slash = text.indexOf('/');
    String amount = slash < 0 ? text : text.substring(0, slash).trim();
    String unit = slash < 0 ? "s" : text.substring(slash + 1).trim();
    double value;
    try {
      value = Double.parseDouble(amount);
    } catch (NumberFormatException e) {
      throw invalid(rate);
    }
    double seconds =
        switch (unit) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          default -> throw invalid(rate);
        };
    if (value < 0) {
      throw invalid(rate);
    }
    return value / seconds;
  }

  private static IllegalArgumentException invalid(String rate) {
    return new IllegalArgumentException(
        "rate limit '"
            + rate
            + "' is not valid: use a number per s, m or h, e.g. \"10/s\", \"100/m\"");
  }
}
