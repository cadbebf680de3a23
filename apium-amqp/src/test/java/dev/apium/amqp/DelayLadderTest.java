package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DelayLadderTest {
  @Test
  void routingKeySpellsTheDelayInBinaryThenTheQueue() {
    String key = DelayLadder.routingKey(3, "celery");
    assertThat(key).endsWith(".1.1.celery").startsWith("0.0.");
    assertThat(key.split("\\.")).hasSize(DelayLadder.LEVELS + 1);
  }

  @Test
  void targetRecoversQueueNamesWithDots() {
    assertThat(DelayLadder.target(DelayLadder.routingKey(5, "images.high")))
        .isEqualTo("images.high");
    assertThat(DelayLadder.target("celery")).isEqualTo("celery");
  }

  @Test
  void delaysAreCappedAtTheLadderHeight() {
    assertThat(DelayLadder.routingKey(Long.MAX_VALUE, "q")).doesNotContain("0.").startsWith("1.1.");
    assertThat(DelayLadder.routingKey(-5, "q")).doesNotContain("1");
  }
}
