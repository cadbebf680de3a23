package dev.apium.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.listen.OutgoingTask;
import dev.apium.listen.TaskInfo;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.worker.Worker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TaskListener} that counts tasks in a Micrometer {@link MeterRegistry} under the names
 * and labels of the Celery Prometheus exporter (danihodovic/celery-exporter), so its Grafana
 * dashboards read an Apium worker unchanged: {@code
 * celery_task_{sent,received,started,succeeded,failed,
 * retried,revoked,rejected}_total{name,hostname,queue_name}} ({@code failed} also {@code
 * exception}), the {@code celery_task_runtime} histogram, and the gauges {@code
 * celery_worker_up{hostname}}, {@code celery_worker_tasks_active{hostname}} and {@code
 * celery_queue_length{queue_name}} (the worker's queues, read from the broker at scrape time); and
 * beyond the exporter's set the {@code celery_task_queue_wait_time} histogram ({@link QueueWait})
 * the {@code celery_worker_tasks_prefetched} / {@code celery_worker_tasks_scheduled} gauges and the
 * {@code celery_worker_events_dropped_total} counter. See docs/metrics.md. Register it with {@code
 * Apium.builder().listener(...)} (sends too, and stamps each message with its publish time) or
 * {@code app.worker().listener(...)}; called from the threads named on {@link TaskListener};
 * thread-safe. Per task it only bumps counters and records histograms; the gauges are read at
 * scrape time.
 */
public final class CeleryMetrics implements TaskListener {
  /** The exporter's runtime buckets (prometheus_client's defaults), in seconds. */
  static final double[] RUNTIME_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };

  private final MeterRegistry registry;
  private volatile Apium app;
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Key, DistributionSummary> histograms = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> up = new ConcurrentHashMap<>();

  private record Key(String metric, String name, String hostname, String queue, String exception) {}

  /** Counts into {@code registry}. */
  public CeleryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Asks {@code app}'s broker for the length of each queue of the workers that start afterwards
   * ({@code celery_queue_length}, read at scrape time).
   */
  public CeleryMetrics queueLengthsFrom(Apium value) {
    app = value;
    return this;
  }

  /** Celery's hostname label: the host part of a node name ({@code celery@host} → {@code host}). */
  static String host(String nodename) {
    if (nodename == null) {
      return "";
    }
    int at = nodename.indexOf('@');
    return at < 0 ? nodename : nodename.substring(at + 1);
  }

  // The last node name seen and its host label: one worker's node name is one String instance, so
  // the per-task path neither cuts a new label nor hashes one.
  private volatile String[] lastHost = {null, ""};

  private String hostOf(String nodename) {
    String[] last = lastHost;
    if (last[0] == nodename) {
      return last[1];
    }
    String host = host(nodename);
    lastHost = new String[] {nodename, host};
    return host;
  }

  private void count(String metric, String help, TaskInfo t) {
    count(metric, help, t.name(), hostOf(t.hostname()), t.queue(), null);
  }

  private void count(
      String metric, String help, String name, String host, String queue, String exception) {
    Key key = new Key(metric, name, host, queue, exception);
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k -> {
                Counter.Builder b =
                    Counter.builder(metric)
                        .description(help)
                        .tag("name", nonNull(name))
                        .tag("hostname", nonNull(host))
                        .tag("queue_name", nonNull(queue));
                if (exception != null) {
                  b.tag("exception", exception);
                }
                return b.register(registry);
              });
    }
    c.increment();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void beforePublish(OutgoingTask task) {
    task.header(QueueWait.SENT_AT, QueueWait.stamp(System.currentTimeMillis()));
  }

  @Override
  public void afterPublish(OutgoingTask task, Throwable error) {
    if (error == null) {
      count(
          "celery.task.sent",
          "Sent when a task message is published.",
          task.name(),
          host(task.message().origin()),
          task.routingKey(),
          null);
    }
  }

  @Override
  public void received(TaskInfo task) {
    count("celery.task.received", "Sent when the worker receives a task.", task);
  }

  @Override
  public void started(TaskInfo task) {
    count("celery.task.started", "Sent just before the worker executes the task.", task);
    histogram(
            "celery.task.queue.wait.time",
            "Histogram of the time tasks waited from their publish (or their ETA) to their start.",
            QueueWait.BUCKETS,
            task)
        .record(QueueWait.seconds(task, System.currentTimeMillis()));
  }

  private DistributionSummary histogram(
      String metric, String help, double[] buckets, TaskInfo task) {
    Key key = new Key(metric, task.name(), hostOf(task.hostname()), task.queue(), null);
    DistributionSummary summary = histograms.get(key);
    if (summary == null) {
      summary =
          histograms.computeIfAbsent(
              key,
              k ->
                  DistributionSummary.builder(metric)
                      .description(help)
                      .serviceLevelObjectives(buckets)
                      .tag("name", nonNull(k.name()))
                      .tag("hostname", nonNull(k.hostname()))
                      .tag("queue_name", nonNull(k.queue()))
                      .register(registry));
    }
    return summary;
  }

  @Override
  public void succeeded(TaskInfo task, JsonNode result, Duration runtime) {
    count("celery.task.succeeded", "Sent if the task executed successfully.", task);
    histogram(
            "celery.task.runtime", "Histogram of task runtime measurements.", RUNTIME_BUCKETS, task)
        .record(runtime.toNanos() / 1e9);
  }

  @Override
  public void failed(TaskInfo task, ExceptionInfo error, String traceback) {
    count(
        "celery.task.failed",
        "Sent if the execution of the task failed.",
        task.name(),
        hostOf(task.hostname()),
        task.queue(),
        error == null ? "" : error.type());
  }

  @Override
  public void retried(TaskInfo task, ExceptionInfo cause, String traceback) {
    count(
        "celery.task.retried", "Sent if the task failed, but will be retried in the future.", task);
  }

  @Override
  public void revoked(TaskInfo task, String reason) {
    count("celery.task.revoked", "Sent if the task has been revoked.", task);
  }

  @Override
  public void rejected(String taskId, String taskName, String queue, String reason) {
    count(
        "celery.task.rejected",
        "The task was rejected by the worker, possibly to be re-queued or moved to a dead letter"
            + " queue.",
        taskName,
        "",
        queue,
        null);
  }

  @Override
  public void workerReady(Worker worker) {
    String host = host(worker.nodename());
    AtomicInteger flag =
        up.computeIfAbsent(
            host,
            h -> {
              AtomicInteger v = new AtomicInteger();
              Gauge.builder("celery.worker.up", v, AtomicInteger::get)
                  .description("Indicates if a worker has recently sent a heartbeat.")
                  .tag("hostname", h)
                  .register(registry);
              return v;
            });
    flag.set(1);
    Gauge.builder("celery.worker.tasks.active", worker, Worker::active)
        .description("The number of tasks the worker is currently processing")
        .tag("hostname", host)
        .register(registry);
    Gauge.builder("celery.worker.tasks.prefetched", worker, Worker::reserved)
        .description(
            "The number of tasks the worker has received and not started (Celery's reserved)")
        .tag("hostname", host)
        .register(registry);
    Gauge.builder("celery.worker.tasks.scheduled", worker, Worker::scheduled)
        .description("The number of tasks the worker holds until their ETA")
        .tag("hostname", host)
        .register(registry);
    FunctionCounter.builder("celery.worker.events.dropped", worker, Worker::droppedEvents)
        .description(
            "Task events the worker dropped because the broker did not take them as fast as tasks"
                + " ran")
        .tag("hostname", host)
        .register(registry);
    Apium broker = app;
    if (broker != null) {
      for (String queue : worker.queues()) {
        Gauge.builder("celery.queue.length", broker, a -> queueLength(a, queue))
            .description("The number of message in broker queue.")
            .tag("queue_name", queue)
            .register(registry);
      }
    }
  }

  private static double queueLength(Apium app, String queue) {
    try {
      return app.broker().size(queue);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void workerStopping(Worker worker) {
    AtomicInteger flag = up.get(host(worker.nodename()));
    if (flag != null) {
      flag.set(0);
    }
  }
}
