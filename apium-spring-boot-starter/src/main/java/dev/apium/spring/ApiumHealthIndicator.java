package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of Apium (contributor {@code apium}): UP when the broker and the result backend
 * both answer a real round trip within {@code apium.health.timeout}, DOWN otherwise, with each
 * one's URL (password masked) and error. The broker check reads the size of the default queue (a
 * Redis LLEN, an AMQP passive declare, a SQL count), the backend check reads the state of a task id
 * that never exists (a Redis GET, a SQL select). Called on health-request threads; each check runs
 * on a thread of its own.
 */
public final class ApiumHealthIndicator implements HealthIndicator, DisposableBean {
  static final String PROBE_TASK_ID = "apium-health-probe";

  private final Apium app;
  private final Duration timeout;
  private final ReachabilityProbe broker = new ReachabilityProbe("broker");
  private final ReachabilityProbe backend = new ReachabilityProbe("backend");

  public ApiumHealthIndicator(Apium app, Duration timeout) {
    this.app = app;
    this.timeout = timeout;
  }

  @Override
  public Health health() {
    String queue = app.config().get(ApiumConfig.DEFAULT_QUEUE, "celery");
    ReachabilityProbe.Outcome brokerOutcome = broker.check(() -> app.broker().size(queue), timeout);
    ReachabilityProbe.Outcome backendOutcome =
        backend.check(() -> app.backend().get(PROBE_TASK_ID).isPresent(), timeout);

    Map<String, Object> brokerDetails = details(app.brokerUrl(), brokerOutcome);
    if (brokerOutcome.reachable()) {
      brokerDetails.put("queue", queue);
      brokerDetails.put("ready", brokerOutcome.value());
    }
    Health.Builder health =
        brokerOutcome.reachable() && backendOutcome.reachable() ? Health.up() : Health.down();
    return health
        .withDetail("broker", brokerDetails)
        .withDetail("backend", details(app.backendUrl(), backendOutcome))
        .build();
  }

  private static Map<String, Object> details(String url, ReachabilityProbe.Outcome outcome) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", maskPassword(url));
    details.put("status", outcome.reachable() ? "UP" : "DOWN");
    if (!outcome.reachable()) {
      details.put("error", outcome.error());
    }
    return details;
  }

  /** {@code redis://:secret@host} and {@code amqp://user:secret@host} lose their secret. */
  static String maskPassword(String url) {
    return url == null ? null : url.replaceFirst("://([^:/@]*):[^@/]*@", "://$1:****@");
  }

  @Override
  public void destroy() {
    broker.close();
    backend.close();
  }
}
