package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code register(Object, Class)}: the tasks a type declares, called on a subclass instance whose
 * overrides drop the annotations (what a CGLIB proxy is), go through the override.
 */
class RegisterDeclaredTypeTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  public static class Pricing {
    @Task("pricing.net")
    public int net(int gross) {
      return gross - 1;
    }
  }

  /** Overrides without the annotation, as a proxy subclass does, and counts its calls. */
  public static class CountingPricing extends Pricing {
    int calls;

    @Override
    public int net(int gross) {
      calls++;
      return super.net(gross);
    }
  }

  @Test
  void tasksDeclaredByTheTypeRunThroughTheSubclassOverride() {
    CountingPricing proxy = new CountingPricing();
    assertThat(app.register(proxy, Pricing.class)).containsExactly("pricing.net");
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.send("pricing.net", 10).get(Duration.ofSeconds(10))).isEqualTo(9);
    }
    assertThat(proxy.calls).isEqualTo(1);
  }

  @Test
  void anInstanceOfAnotherTypeIsRefused() {
    assertThatThrownBy(() -> app.register(new Object(), Pricing.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "java.lang.Object is not a dev.apium.RegisterDeclaredTypeTest$Pricing: cannot register"
                + " its tasks");
  }

  @Test
  void theSubclassAloneShowsNoTasks() {
    assertThatThrownBy(() -> app.register(new CountingPricing()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no public @Task methods");
  }
}
