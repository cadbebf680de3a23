package dev.apium.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void tokenBucketRefillsAtItsRate() {
    long[] now = {0};
    TokenBucket bucket = new TokenBucket(2, 1, () -> now[0]);
    assertThat(bucket.acquire()).isZero();
    assertThat(bucket.acquire()).isEqualTo(500_000_000L);
    now[0] = 500_000_000L;
    assertThat(bucket.acquire()).isZero();
  }
}
