package dev.apium;

/** Turns an exception into the one line Apium prints for it. Stateless. */
final class ApiumText {
  private ApiumText() {}

  /** The first line of the message of the exception (or of its first cause that has one). */
  static String oneLine(Throwable error) {
    Throwable e = error;
    while (e.getMessage() == null && e.getCause() != null) {
      e = e.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
