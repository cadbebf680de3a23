package dev.apium.spi;

import java.time.Duration;

/**
 * Token buckets shared by every worker of a cluster, for rate limits counted once across all of
 * them ({@code rate_limit_scope = cluster}). Offered by brokers that have a shared store ({@link
 * Broker#rateLimitStore()}); thread-safe. Buckets expire on their own once idle.
 */
public interface RateLimitStore {
  /**
   * Takes one token from the bucket {@code key}, which holds at most {@code capacity} tokens and
   * refills at {@code perSecond}. Returns {@link Duration#ZERO} when a token was taken, otherwise
   * how long until one may be available (nothing is taken then).
   */
  Duration acquire(String key, double perSecond, int capacity);
}
