package dev.apium.protocol;

/**
 * A message Apium cannot read: bad JSON, bad base64, an unknown content type, a missing required
 * header. The worker logs it with its delivery tag and moves it to a dead-letter place.
 */
public class MalformedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
