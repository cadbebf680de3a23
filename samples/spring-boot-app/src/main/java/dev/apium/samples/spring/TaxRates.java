package dev.apium.samples.spring;

import java.math.BigDecimal;
import java.util.Map;
import org.springframework.stereotype.Service;

/** An ordinary Spring service that a task bean uses: VAT rates by country. */
@Service
public class TaxRates {
  private final Map<String, BigDecimal> rates =
      Map.of("FR", new BigDecimal("0.20"), "DE", new BigDecimal("0.19"), "GB", new BigDecimal("0.20"));

  public BigDecimal rateFor(String country) {
    BigDecimal rate = rates.get(country);
    if (rate == null) {
      throw new IllegalArgumentException("no VAT rate for country '" + country + "'");
    }
    return rate;
  }
}
