package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.RegisteredTask;
import dev.apium.RevokeOnReceipt;
import dev.apium.TaskOptions;
import dev.apium.control.RequestSnapshot;
import dev.apium.control.WorkerView;
import dev.apium.events.EventDispatcher;
import dev.apium.events.EventFields;
import dev.apium.events.TaskEvents;
import dev.apium.events.WorkerEvents;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.TaskMessage;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A worker's monitoring side: the engine tells it what happens to each task ({@link #received},
 * {@link #started}, {@link #succeeded}, {@link #failed}, {@link #retried}, {@link #revoked}); it
 * counts tasks by name for {@code stats}, sends Celery's events through its {@link EventDispatcher}
 * (task events only with {@code worker_send_task_events} / {@code -E} or after {@code
 * enable_events}), heartbeats every 2 s between {@code worker-online} and {@code worker-offline},
 * and answers the remote-control commands as the engine's {@link WorkerView} (the running tasks are
 * read from {@link Executions}, not tracked twice). Called from transport, pool and mailbox
 * threads; owns one heartbeat thread between {@link #start()} and {@link #stop()}.
 */
final class WorkerMonitor implements WorkerView, TaskObserver {
  /** Setting (and {@code apium worker -E}): send task events. Off by default, as in Celery. */
  static final String SEND_TASK_EVENTS = "worker_send_task_events";

  /** How long a stopping worker waits for the broker to take its {@code worker-offline}. */
  static final java.time.Duration OFFLINE_WAIT = java.time.Duration.ofSeconds(2);

  private final Apium app;
  private final Engine engine;
  private final RevokeOnReceipt revokeOnReceipt;
  private final Runnable shutdown;
  private Mailbox mailbox;
  private final EventDispatcher events;
  private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();
  private final Map<String, Duration[]> timeLimits = new ConcurrentHashMap<>();
  private final Map<String, Subscription> addedQueues = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Instant startedAt;
  private final Supplier<Collection<Request>> unsettled;
  private final IntSupplier prefetch;
  private final IntConsumer resizePool;
  private final Consumer<Delivery> deliveries;
  private ScheduledExecutorService heart;

  /**
   * The parts of a running worker the monitor reads and steers, handed over by {@link Worker} at
   * start (none of them calls back into it).
   */
  record Engine(
      String nodename,
      List<String> queues,
      int concurrency,
      Settlement settlement,
      TaskPool pool,
      RevokedIds revoked,
      Executions executions,
      TaskConsumer consumer) {}

  WorkerMonitor(Apium app, Engine engine, Runnable shutdown) {
    this.app = app;
    this.engine = engine;
    this.shutdown = shutdown;
    this.unsettled = engine.consumer()::unsettled;
    this.prefetch = engine.consumer()::basePrefetch;
    this.resizePool = engine.pool()::resize;
    this.deliveries = engine.consumer()::onDelivery;
    this.revokeOnReceipt = new RevokeOnReceipt(app);
    this.startedAt = app.clock().instant();
    this.events =
        new EventDispatcher(
            app.broker(),
            engine.nodename(),
            app.clock(),
            app.config().getBoolean(SEND_TASK_EVENTS, false),
            true);
  }

  // ---- lifecycle (Worker.start / Worker.stop) ----

  /**
   * Builds the monitor of a worker that is starting, makes it the engine's task observer and the
   * source of time limits, and announces the worker ({@code worker-online}).
   */
  static WorkerMonitor start(Apium app, Engine engine, Runnable shutdown) {
    WorkerMonitor monitor = new WorkerMonitor(app, engine, shutdown);
    engine.settlement().observe(monitor);
    engine.executions().limits(monitor::options);
    monitor.start();
    return monitor;
  }

  /** Opens the remote-control mailbox, once the worker consumes. */
  void listen(RateLimits rateLimits) {
    mailbox =
        new Mailbox(
            app, engine.nodename(), engine.revoked(), engine.executions(), rateLimits, this);
    mailbox.start();
  }

  void start() {
    events.send("worker-online", heartbeatFields());
    heart = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-heartbeat"));
    long every = (long) (WorkerEvents.FREQ * 1000);
    heart.scheduleAtFixedRate(
        () -> events.send("worker-heartbeat", heartbeatFields()),
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (mailbox != null) {
      mailbox.close();
    }
    if (heart != null) {
      heart.shutdownNow();
    }
    addedQueues.values().forEach(Subscription::close);
    addedQueues.clear();
    // The task events still queued go first, then the worker says goodbye.
    events.close();
    events.sendWithin("worker-offline", heartbeatFields(), OFFLINE_WAIT);
  }

  private Map<String, Object> heartbeatFields() {
    return WorkerEvents.fields(
        WorkerEvents.FREQ, engine.executions().size(), engine.settlement().counts().processed());
  }

  // ---- task events (engine callbacks) ----
  // With events off each costs a volatile read; with events on, the fields are built by the
  // dispatcher's writer thread, so the calling thread never formats reprs or JSON.

  @Override
  public void received(Request r) {
    if (events.taskEventsEnabled()) {
      events.send("task-received", TaskEvents.received(r.message));
    }
  }

  @Override
  public void started(Request r) {
    totals.computeIfAbsent(r.message.task(), k -> new LongAdder()).increment();
    if (events.taskEventsEnabled()) {
      String id = r.id();
      events.send("task-started", TaskEvents.started(id));
    }
  }

  @Override
  public void succeeded(Request r, JsonNode result, long nanos) {
    if (events.taskEventsEnabled()) {
      String id = r.id();
      events.send("task-succeeded", TaskEvents.succeeded(id, result, nanos));
    }
  }

  @Override
  public void failed(Request r, ExceptionInfo info, String traceback) {
    if (events.taskEventsEnabled()) {
      String id = r.id();
      events.send(
          "task-failed", EventFields.lazy(() -> TaskEvents.failed(id, info.repr(), traceback)));
    }
  }

  @Override
  public void retried(Request r, ExceptionInfo cause, String traceback) {
    if (events.taskEventsEnabled()) {
      String id = r.id();
      events.send(
          "task-retried",
          EventFields.lazy(
              () -> TaskEvents.retried(id, cause == null ? null : cause.repr(), traceback)));
    }
  }

  @Override
  public void revoked(Request r, boolean expired) {
    if (events.taskEventsEnabled()) {
      events.send("task-revoked", TaskEvents.revoked(r.id(), false, null, expired));
    }
  }

  @Override
  public void requeued(Request r) {
    if (events.taskEventsEnabled()) {
      events.send("task-rejected", TaskEvents.rejected(r.id(), true));
    }
  }

  /** Celery's {@code on_unknown_task}: {@code task-failed} with only the uuid and the exception. */
  @Override
  public void unregistered(TaskMessage message) {
    if (events.taskEventsEnabled()) {
      events.send("task-failed", TaskEvents.notRegistered(message.id(), message.task()));
    }
  }

  /** The task's options with time limits set by the {@code time_limit} command, if any. */
  TaskOptions options(RegisteredTask task) {
    Duration[] limits = timeLimits.get(task.name());
    return limits == null ? task.options() : task.options().withTimeLimits(limits[0], limits[1]);
  }

  // ---- WorkerView ----

  @Override
  public String nodename() {
    return engine.nodename();
  }

  @Override
  public List<RequestSnapshot> active() {
    List<RequestSnapshot> out = new ArrayList<>();
    long pid = ProcessHandle.current().pid();
    for (Execution e : engine.executions().running()) {
      out.add(snapshot(e.request, e.startedMillis / 1000.0, pid));
    }
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
      if (!engine.executions().isRunning(r.id()) && future == eta) {
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
    totals.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public long processed() {
    return engine.settlement().counts().processed();
  }

  @Override
  public int poolSize() {
    return engine.pool().size();
  }

  @Override
  public int concurrency() {
    return engine.concurrency();
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
    engine.queues().stream().filter(q -> !cancelled.contains(q)).forEach(out::add);
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
    return engine.revoked().snapshot();
  }

  @Override
  public void revoke(String id) {
    engine.revoked().revoke(id, true);
    revokeOnReceipt.revoked(List.of(id));
  }

  @Override
  public boolean terminate(String id) {
    boolean done = engine.executions().terminate(id);
    if (done) {
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
    Thread t = new Thread(shutdown, "apium-remote-shutdown");
    t.start();
  }

  @Override
  public void resizePool(int delta) {
    resizePool.accept(Math.max(1, engine.pool().size() + delta));
  }

  @Override
  public boolean autoscaling() {
    return engine.pool().autoscaler() != null;
  }

  @Override
  public int[] autoscale(Integer max, Integer min) {
    Autoscaler autoscaler = engine.pool().autoscaler();
    if (autoscaler == null) {
      throw new IllegalStateException("Autoscale not enabled");
    }
    return autoscaler.update(max, min);
  }

  @Override
  public synchronized boolean addConsumer(String queue) {
    if (queues().contains(queue)) {
      return false;
    }
    if (cancelled.remove(queue)) {
      engine.consumer().consumeOnly(queues());
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
    if (!engine.queues().contains(queue) || !cancelled.add(queue)) {
      return false;
    }
    List<String> base = new ArrayList<>(engine.queues());
    base.removeAll(cancelled);
    engine.consumer().consumeOnly(base);
    return true;
  }
}
