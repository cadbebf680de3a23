package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether Apium's broker and result backend are reachable, independent of Spring Boot's health API
 * (which moved packages between Boot 3 and 4): UP when both answer a real round trip within the
 * timeout. The broker check reads the size of the default queue (a Redis LLEN, an AMQP passive
 * declare, a SQL count), the backend check reads the state of a task id that never exists (a Redis
 * GET, a SQL select). Details carry each URL (password masked) and error. Called on health-request
 * threads; each check runs on a thread of its own.
 */
public final class ApiumHealthCheck implements AutoCloseable {
  static final String PROBE_TASK_ID = "apium-health-probe";

  /** The outcome: UP or DOWN, and the details to show. */
  public record Result(boolean up, Map<String, Object> details) {}

  private final Apium app;
  private final Duration timeout;
  private final ReachabilityProbe broker = new ReachabilityProbe("broker");
  private final ReachabilityProbe backend = new ReachabilityProbe("backend");

  public ApiumHealthCheck(Apium app, Duration timeout) {
    this.app = app;
    this.timeout = timeout;
  }

  public Result check() {
    String queue = app.config().get(ApiumConfig.DEFAULT_QUEUE, "celery");
    ReachabilityProbe.Outcome brokerOutcome = broker.check(() -> app.broker().size(queue), timeout);
    ReachabilityProbe.Outcome backendOutcome =
        backend.check(() -> app.backend().get(PROBE_TASK_ID).isPresent(), timeout);

    Map<String, Object> brokerDetails = details(app.brokerUrl(), brokerOutcome);
    if (brokerOutcome.reachable()) {
      brokerDetails.put("queue", queue);
      brokerDetails.put("ready", brokerOutcome.value());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("broker", brokerDetails);
    details.put("backend", details(app.backendUrl(), backendOutcome));
    return new Result(brokerOutcome.reachable() && backendOutcome.reachable(), details);
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
  public void close() {
    broker.close();
    backend.close();
  }
}
