package dev.apium.spi;

/**
 * A transport failure a caller must see: the broker is unreachable, refused credentials, or did not
 * confirm a publish. The message names the server and the fix.
 */
public class BrokerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
