/**
 * Periodic tasks: Celery's {@code celery beat}, safe to run as many times as wanted.
 *
 * <p>Entries are defined in code on the app's builder, or in a schedule file shaped like Celery's
 * {@code beat_schedule}:
 *
 * <pre>{@code
 * app.beat()
 *     .every("add-every-30", Duration.ofSeconds(30), "tasks.add", 16, 16)
 *     .cron("nightly-report", "0 3 * * mon-fri", "reports.nightly")
 *     .entry(BeatEntry.of("cleanup", Schedule.every(Duration.ofMinutes(5)), "tasks.cleanup")
 *         .withQueue("maintenance").withExpires(Duration.ofMinutes(1)).withMissed(MissedRuns.SKIP));
 * }</pre>
 *
 * <pre>
 * # apium-beat.yaml (or apium-beat.properties: nightly-report.task=..., nightly-report.schedule=...)
 * nightly-report:
 *   task: reports.nightly
 *   schedule: "0 3 * * mon-fri"     # minute hour day_of_month month_of_year day_of_week
 *   timezone: Europe/Paris          # default: the app's timezone setting, else UTC
 *   args: [1, 2]
 *   kwargs: {format: pdf}
 *   options: {queue: reports, priority: 5, expires: 3600}
 *   missed: run_once                # or skip
 * every-ten-seconds:
 *   task: tasks.tick
 *   schedule: 10s                   # or 10, 10.0, PT10S, {every: 10s}
 * weekend:
 *   task: reports.weekend
 *   schedule: {minute: "0", hour: "*&#47;6", day_of_week: "sat,sun"}
 * launch:
 *   task: rockets.launch
 *   schedule: {at: "2030-01-01T09:00:00Z"}
 * </pre>
 *
 * <p>Run it with {@code apium beat -A com.example.App} or inside a worker with {@code apium worker
 * --beat}. Every instance sharing a result backend (Redis, SQLite, PostgreSQL, memory) competes for
 * one lease; the leader claims an idempotency key per firing ({@code entry@scheduled-time}, also
 * sent in the {@code apium_beat_key} header, with a task id derived from it) before publishing, and
 * stores each entry's last run, so a restart or a leader change neither repeats nor skips a run.
 * The messages are ordinary Celery task messages: a Python worker runs them.
 */
package dev.apium.beat;
