/**
 * Prometheus metrics of Apium tasks and workers through Micrometer: {@link
 * dev.apium.metrics.CeleryMetrics} (a task listener) and {@link dev.apium.metrics.MetricsServer}
 * ({@code /metrics}).
 */
package dev.apium.metrics;
