package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RatesTest {
  @Test
  void parsesCeleryRateStrings() {
    assertThat(Rates.perSecond("10/s")).isEqualTo(10.0);
    assertThat(Rates.perSecond("120/m")).isEqualTo(2.0);
    assertThat(Rates.perSecond("3600/h")).isEqualTo(1.0);
    assertThat(Rates.perSecond("5")).isEqualTo(5.0);
    assertThat(Rates.perSecond(null)).isZero();
    assertThat(Rates.perSecond("0")).isZero();
    assertThatThrownBy(() -> Rates.perSecond("10/d")).hasMessageContaining("e.g. \"10/s\"");
  }
}
