/**
 * The worker engine, behind one public door: {@link dev.apium.worker.Worker} (launcher, builder,
 * counters), built by {@code app.worker()}. {@link dev.apium.worker.WorkerHost} is the port the app
 * implements (public, not API). Everything else is package-private:
 *
 * <ol>
 *   <li>{@code TaskConsumer}: fetch, on the transport thread; prefetch, the {@code EtaTimer}, the
 *       {@code RateLimits} lanes ({@code TokenBucket}), then the {@code TaskPool} ({@code
 *       Autoscaler}).
 *   <li>{@code TaskRunner}: one task on a pool thread, with its {@code Execution} registered in
 *       {@code Executions} (time limits, terminate); {@code Retrier} and {@code Backoff} for
 *       retries; {@code Failures} turns a throwable into Celery's exception form.
 *   <li>{@code Settlement}: the one place a task's end is written (store, count, follow-ups, then
 *       ack, requeue or dead-letter); {@code Request} settles its delivery once.
 *   <li>{@code Mailbox}: remote control (ping, revoke, rate_limit), with {@code RevokedIds}.
 * </ol>
 *
 * <p>No collaborator holds the {@code Worker}: each is handed what it needs when it is built.
 */
package dev.apium.worker;
