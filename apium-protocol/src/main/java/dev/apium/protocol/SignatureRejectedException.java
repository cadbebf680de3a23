package dev.apium.protocol;

/**
 * A message refused by message signing: unsigned where signing is required, signed by a certificate
 * outside the store, or whose body does not match its signature. A {@link
 * MalformedMessageException}, so the worker dead-letters it with the reason and never runs it.
 */
public final class SignatureRejectedException extends MalformedMessageException {
  private static final long serialVersionUID = 1L;

  public SignatureRejectedException(String message) {
    super(message);
  }

  public SignatureRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
