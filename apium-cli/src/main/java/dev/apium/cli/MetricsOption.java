package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.metrics.CeleryMetrics;
import dev.apium.metrics.MetricsServer;
import dev.apium.worker.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code apium worker --metrics-port N}: a Prometheus registry with {@link CeleryMetrics} on the
 * app (so the worker's own sends, retries and chain steps count too) or, for an app {@code -A}
 * provides, on the worker; served at {@code /metrics} while the worker runs. Main thread only.
 */
final class MetricsOption implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsOption.class);
  private final int port;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CeleryMetrics metrics = new CeleryMetrics(registry);
  private MetricsServer server;

  MetricsOption(int port, AppOptions app) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "--metrics-port " + port + ": use a TCP port from 1 to 65535");
    }
    this.port = port;
    app.listeners.add(metrics);
  }

  /** Binds the metrics to the built app and worker, and starts serving them. */
  void attach(Apium apium, Worker.Builder worker) {
    metrics.queueLengthsFrom(apium);
    if (!apium.listeners().contains(metrics)) {
      worker.listener(metrics);
    }
    server = MetricsServer.start(registry, port);
    log.info("Prometheus metrics at http://0.0.0.0:{}/metrics", server.port());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
