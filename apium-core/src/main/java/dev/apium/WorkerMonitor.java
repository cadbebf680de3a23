package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.control.RequestSnapshot;
import dev.apium.control.WorkerView;
import dev.apium.events.EventDispatcher;
import dev.apium.events.TaskEvents;
import dev.apium.events.WorkerEvents;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A worker's monitoring side: the engine tells it what happens to each task ({@link #received},
 * {@link #started}, {@link #succeeded}, {@link #failed}, {@link #retried}, {@link #revoked}, {@link
 * #ended}); it sends Celery's events through its {@link EventDispatcher} (task events only with
 * {@code worker_send_task_events} / {@code -E} or after {@code enable_events}), heartbeats every 2
 * s between {@code worker-online} and {@code worker-offline}, and answers the remote-control
 * commands as the engine's {@link WorkerView}. Called from transport, pool and mailbox threads;
 * owns one heartbeat thread between {@link #start()} and {@link #stop()}.
 */
final class WorkerMonitor implements WorkerView {
  /** Setting (and {@code apium worker -E}): send task events. Off by default, as in Celery. */
  static final String SEND_TASK_EVENTS = "worker_send_task_events";

  private final Apium app;
  private final Worker worker;
  private final EventDispatcher events;
  private final Map<String, Running> active = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
  private final Map<String, Duration[]> timeLimits = new ConcurrentHashMap<>();
  private final Map<String, Subscription> addedQueues = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Instant startedAt;
  private final Supplier<Collection<Request>> unsettled;
  private final IntSupplier prefetch;
  private final IntConsumer resizePool;
  private final Consumer<Delivery> deliveries;
  private ScheduledExecutorService heart;

  private record Running(Request request, double timeStart) {}

  /**
   * @param unsettled the requests received and not yet acked or returned
   * @param prefetch the worker's base prefetch count
   * @param resizePool sets the number of pool threads
   * @param deliveries the worker's delivery handler, for queues added by {@code add_consumer}
   */
  WorkerMonitor(
      Apium app,
      Worker worker,
      Supplier<Collection<Request>> unsettled,
      IntSupplier prefetch,
      IntConsumer resizePool,
      Consumer<Delivery> deliveries) {
    this.app = app;
    this.worker = worker;
    this.unsettled = unsettled;
    this.prefetch = prefetch;
    this.resizePool = resizePool;
    this.deliveries = deliveries;
    this.startedAt = app.clock().instant();
    this.events =
        new EventDispatcher(
            app.broker(),
            worker.nodename(),
            app.clock(),
            app.config().getBoolean(SEND_TASK_EVENTS, false),
            true);
  }

  // ---- lifecycle (Worker.start / Worker.stop) ----

  void start() {
    events.send("worker-online", heartbeatFields());
    heart =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "apium-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = (long) (WorkerEvents.FREQ * 1000);
    heart.scheduleAtFixedRate(
        () -> events.send("worker-heartbeat", heartbeatFields()),
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (heart != null) {
      heart.shutdownNow();
    }
    addedQueues.values().forEach(Subscription::close);
    addedQueues.clear();
    events.send("worker-offline", heartbeatFields());
    events.close();
  }

  private Map<String, Object> heartbeatFields() {
    return WorkerEvents.fields(WorkerEvents.FREQ, active.size(), worker.processed());
  }

  // ---- task events (engine callbacks) ----

  void received(Request r) {
    if (events.taskEventsEnabled()) {
      events.send("task-received", TaskEvents.received(r.message));
    }
  }

  void started(Request r) {
    active.put(r.id(), new Running(r, app.clock().millis() / 1000.0));
    totals.computeIfAbsent(r.message.task(), k -> new AtomicLong()).incrementAndGet();
    if (events.taskEventsEnabled()) {
      events.send("task-started", TaskEvents.started(r.id()));
    }
  }

  void ended(Request r) {
    active.remove(r.id());
  }

  void succeeded(Request r, JsonNode result, long nanos) {
    if (events.taskEventsEnabled()) {
      events.send("task-succeeded", TaskEvents.succeeded(r.id(), result, nanos / 1e9));
    }
  }

  void failed(Request r, ExceptionInfo info, String traceback) {
    events.send("task-failed", TaskEvents.failed(r.id(), info.repr(), traceback));
  }

  void retried(Request r, ExceptionInfo cause, String traceback) {
    events.send(
        "task-retried", TaskEvents.retried(r.id(), cause == null ? null : cause.repr(), traceback));
  }

  void revoked(Request r, boolean expired) {
    events.send("task-revoked", TaskEvents.revoked(r.id(), false, null, expired));
  }

  /** The task's options with time limits set by the {@code time_limit} command, if any. */
  TaskOptions options(RegisteredTask task) {
    Duration[] limits = timeLimits.get(task.name());
    return limits == null ? task.options() : task.options().withTimeLimits(limits[0], limits[1]);
  }

  // ---- WorkerView ----

  @Override
  public String nodename() {
    return worker.nodename();
  }

  @Override
  public List<RequestSnapshot> active() {
    List<RequestSnapshot> out = new ArrayList<>();
    long pid = ProcessHandle.current().pid();
    active.values().forEach(a -> out.add(snapshot(a.request, a.timeStart, pid)));
    return out;
  }

  @Override
  public List<RequestSnapshot> reserved() {
    return waiting(false);
  }

  @Override
  public List<RequestSnapshot> scheduled() {
    return waiting(true);
  }

  private List<RequestSnapshot> waiting(boolean eta) {
    Instant now = app.clock().instant();
    List<RequestSnapshot> out = new ArrayList<>();
    for (Request r : unsettled.get()) {
      boolean future = r.message.eta() != null && r.message.eta().isAfter(now);
      if (!active.containsKey(r.id()) && future == eta) {
        out.add(snapshot(r, null, null));
      }
    }
    return out;
  }

  private static RequestSnapshot snapshot(Request r, Double timeStart, Long pid) {
    return new RequestSnapshot(
        r.id(),
        r.message.task(),
        r.message.args(),
        r.message.kwargs(),
        r.message.argsRepr(),
        r.message.kwargsRepr(),
        timeStart,
        r.settled(),
        r.delivery.exchange(),
        r.delivery.routingKey(),
        r.message.priority(),
        r.delivery.redelivered(),
        pid,
        r.message.eta());
  }

  @Override
  public Collection<String> registered() {
    return app.taskNames();
  }

  @Override
  public Map<String, Long> totals() {
    Map<String, Long> out = new TreeMap<>();
    totals.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public long processed() {
    return worker.processed();
  }

  @Override
  public int poolSize() {
    return worker.poolSize();
  }

  @Override
  public int concurrency() {
    return worker.concurrency();
  }

  @Override
  public int prefetchCount() {
    return prefetch.getAsInt();
  }

  @Override
  public Duration uptime() {
    return Duration.between(startedAt, app.clock().instant());
  }

  @Override
  public String brokerUrl() {
    return app.brokerUrl();
  }

  @Override
  public String backendDescription() {
    return app.backend().describe();
  }

  @Override
  public List<String> queues() {
    List<String> out = new ArrayList<>();
    worker.queues().stream().filter(q -> !cancelled.contains(q)).forEach(out::add);
    out.addAll(addedQueues.keySet());
    return out;
  }

  @Override
  public Map<String, String> conf() {
    return app.config().asMap();
  }

  @Override
  public EventDispatcher events() {
    return events;
  }

  @Override
  public Collection<String> revokedIds() {
    return worker.revoked().snapshot();
  }

  @Override
  public void revoke(String id) {
    worker.revoked().revoke(id, true);
  }

  @Override
  public boolean terminate(String id) {
    boolean done = worker.executions().terminate(id);
    if (done) {
      active.remove(id);
      events.send("task-revoked", TaskEvents.revoked(id, true, 15, false));
    }
    return done;
  }

  @Override
  public boolean timeLimit(String task, Double hard, Double soft) {
    if (app.task(task) == null) {
      return false;
    }
    timeLimits.put(task, new Duration[] {seconds(soft), seconds(hard)});
    return true;
  }

  private static Duration seconds(Double value) {
    return value == null || value <= 0 ? null : Duration.ofMillis(Math.round(value * 1000));
  }

  @Override
  public void shutdown() {
    Thread t = new Thread(() -> worker.stop(Duration.ofSeconds(30)), "apium-remote-shutdown");
    t.start();
  }

  @Override
  public void resizePool(int delta) {
    resizePool.accept(Math.max(1, worker.poolSize() + delta));
  }

  @Override
  public boolean autoscaling() {
    return false;
  }

  @Override
  public int[] autoscale(Integer max, Integer min) {
    throw new IllegalStateException("Autoscale not enabled");
  }

  @Override
  public synchronized boolean addConsumer(String queue) {
    if (queues().contains(queue)) {
      return false;
    }
    if (cancelled.remove(queue)) {
      worker.consumeOnly(queues());
      return true;
    }
    app.broker().declareQueue(queue);
    addedQueues.put(queue, app.broker().consume(List.of(queue), prefetch.getAsInt(), deliveries));
    return true;
  }

  @Override
  public synchronized boolean cancelConsumer(String queue) {
    Subscription added = addedQueues.remove(queue);
    if (added != null) {
      added.close();
      return true;
    }
    if (!worker.queues().contains(queue) || !cancelled.add(queue)) {
      return false;
    }
    List<String> base = new ArrayList<>(worker.queues());
    base.removeAll(cancelled);
    worker.consumeOnly(base);
    return true;
  }
}
