/**
 * Task lifecycle listeners: {@link dev.apium.listen.TaskListener} is the public hook on a task's
 * publish, receipt, start, end, failure, retry and revoke, and on the worker's start and stop.
 * Metrics, tracing and other integrations are built on it in their own modules.
 */
package dev.apium.listen;
