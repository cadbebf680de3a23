package dev.apium.samples.spring;

import dev.apium.Task;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Tasks as methods of a Spring bean: any client, Java or Python Celery, can call {@code
 * invoices.total} by name; the worker of this app runs it with the bean's injected services.
 */
@Component
public class InvoiceTasks {
  private final TaxRates taxRates;

  public InvoiceTasks(TaxRates taxRates) {
    this.taxRates = taxRates;
  }

  /** One invoice line, as sent in JSON: {@code {"quantity": 2, "unitPrice": "9.50"}}. */
  public record Line(int quantity, BigDecimal unitPrice) {}

  /** The invoice total including VAT, rounded to cents, as a string (exact in any language). */
  @Task("invoices.total")
  public String total(String country, List<Line> lines) {
    BigDecimal net =
        lines.stream()
            .map(line -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal gross = net.multiply(BigDecimal.ONE.add(taxRates.rateFor(country)));
    return gross.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
