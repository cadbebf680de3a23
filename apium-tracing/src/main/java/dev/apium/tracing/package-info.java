/**
 * OpenTelemetry traces of Apium tasks: {@link dev.apium.tracing.CeleryTracing}, a task listener
 * compatible with Python's opentelemetry-instrumentation-celery.
 */
package dev.apium.tracing;
