package dev.apium.spi;

/**
 * A running consumer or fan-out listener. {@link #close()} stops deliveries; messages already
 * handed to the handler stay the handler's to settle. Thread-safe.
 */
public interface Subscription extends AutoCloseable {
  /** Changes how many deliveries may be outstanding at once (ignored by fan-out listeners). */
  default void setPrefetch(int prefetch) {}

  @Override
  void close();
}
