package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.TaskState;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes task messages from its queues, holds ETA tasks, runs the rest on its pool, and
 * stores their results. Lifecycle: {@link #start()}, then {@link #stop(Duration)} (warm: stop
 * fetching, return every prefetched and ETA message to the broker, let running tasks finish until
 * the deadline, then interrupt them and return running {@code acks_late} tasks) or {@link
 * #stopNow()} (cold). Deliveries arrive on the broker's thread; tasks run on pool threads.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final Apium app;
  private final List<String> queues;
  private final int concurrency;
  private final int prefetchMultiplier;
  private final String nodename;
  private final TaskPool.Kind poolKind;
  private final RevokedIds revoked;

  /**
   * ETA tasks due later than this are handed back to the broker to hold ({@link
   * Delivery#deferUntil}) where it can (RabbitMQ, whose consumer timeout would otherwise close the
   * channel); others are held in memory. Setting {@code worker_eta_defer_after}, seconds.
   */
  private final Duration deferAfter;

  private final Duration transientRetryBudget;
  private final TaskRunner runner;
  private final dev.apium.beat.Beat beat;
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final java.util.Set<Request> unsettled =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile TaskOutcomeHook hook = NoFollowUps.INSTANCE;
  private volatile boolean cold;
  private volatile boolean running;
  private TaskPool pool;
  private Executions executions;
  private RateLimits rateLimits;
  private Mailbox mailbox;
  private WorkerMonitor monitor;
  private final int[] autoscale;
  private final Duration autoscaleKeepAlive;
  private Autoscaler autoscaler;
  private EtaTimer etaTimer;
  private Subscription subscription;

  private Worker(Builder b) {
    this.app = b.app;
    this.queues =
        List.copyOf(
            b.queues.isEmpty()
                ? List.of(app.config().get(ApiumConfig.DEFAULT_QUEUE, "celery"))
                : b.queues);
    this.autoscale = b.autoscale;
    this.autoscaleKeepAlive = b.autoscaleKeepAlive;
    this.concurrency = b.autoscale != null ? b.autoscale[0] : b.concurrency;
    this.prefetchMultiplier =
        b.prefetchMultiplier != null
            ? b.prefetchMultiplier
            : app.config().getInt(ApiumConfig.PREFETCH_MULTIPLIER, 4);
    this.nodename = b.nodename != null ? b.nodename : "apium@" + Hosts.name();
    this.poolKind = b.poolKind;
    this.revoked = new RevokedIds(app);
    this.deferAfter = app.config().getSeconds("worker_eta_defer_after", Duration.ofMinutes(10));
    this.transientRetryBudget =
        app.config().getSeconds("result_backend_retry_timeout", Duration.ofSeconds(120));
    this.runner = new TaskRunner(app, this);
    CanvasFollowUp.install(app, this);
    this.beat = b.beat;
  }

  /** Starts consuming. Returns once the subscription is live. */
  public synchronized Worker start() {
    if (running) {
      return this;
    }
    revoked.load();
    for (String queue : queues) {
      app.broker().declareQueue(queue);
    }
    pool = new TaskPool(poolKind, autoscale != null ? autoscale[1] : concurrency, nodename);
    if (autoscale != null) {
      autoscaler =
          new Autoscaler(
              pool, autoscale[1], autoscale[0], autoscaleKeepAlive, Duration.ofMillis(100));
    }
    executions = new Executions(app, this, pool);
    rateLimits = new RateLimits(app, this::runOnPool, this::updatePrefetch);
    Duration visibility =
        app.config().getSeconds(ApiumConfig.VISIBILITY_TIMEOUT, Duration.ofHours(1));
    Duration keepAlive =
        visibility.dividedBy(4).compareTo(Duration.ofMinutes(1)) > 0
            ? Duration.ofMinutes(1)
            : visibility.dividedBy(4);
    etaTimer =
        new EtaTimer(
            app.clock(), keepAlive, () -> unsettled, this::execute, held -> updatePrefetch());
    running = true;
    monitor =
        new WorkerMonitor(
            app, this, () -> unsettled, this::basePrefetch, pool::resize, this::onDelivery);
    monitor.start();
    subscription = app.broker().consume(queues, basePrefetch(), this::onDelivery);
    mailbox = new Mailbox(app, this);
    mailbox.start();
    if (beat != null) {
      beat.start();
    }
    log.info(
        "Worker {} ready: queues {}, concurrency {} ({} pool), prefetch {}, broker {}, backend {}, tasks {}",
        nodename,
        queues,
        concurrency,
        poolKind.name().toLowerCase(),
        basePrefetch(),
        app.broker().describe(),
        app.backend().describe(),
        app.taskNames());
    return this;
  }

  /** Each ETA or rate-limited task held in memory raises the prefetch by one, as in Celery. */
  private void updatePrefetch() {
    Subscription s = subscription;
    EtaTimer eta = etaTimer;
    RateLimits limits = rateLimits;
    if (s != null) {
      s.setPrefetch(
          basePrefetch() + (eta == null ? 0 : eta.size()) + (limits == null ? 0 : limits.held()));
    }
  }

  private int basePrefetch() {
    return Math.max(1, concurrency * Math.max(1, prefetchMultiplier));
  }

  /** Called on the broker's thread for every message. Never blocks, never throws. */
  private void onDelivery(Delivery delivery) {
    TaskMessage message;
    try {
      message = TaskMessageCodec.decode(delivery.message());
    } catch (MalformedMessageException e) {
      log.error(
          "Malformed message (delivery tag {}, queue {}) moved to dead letters: {}",
          delivery.deliveryTag(),
          delivery.queue(),
          e.getMessage());
      delivery.deadLetter(e.getMessage());
      return;
    } catch (RuntimeException e) {
      log.error(
          "Unreadable message (delivery tag {}, queue {}) moved to dead letters",
          delivery.deliveryTag(),
          delivery.queue(),
          e);
      delivery.deadLetter(String.valueOf(e));
      return;
    }
    try {
      accept(message, delivery);
    } catch (RuntimeException e) {
      log.error("Could not accept task {}: returning it to the broker", message, e);
      delivery.reject(true);
    }
  }

  private void accept(TaskMessage message, Delivery delivery) {
    RegisteredTask task = app.task(message.task());
    if (task == null) {
      unregistered(message, delivery);
      return;
    }
    Request request = new Request(message, delivery, task, unsettled::remove);
    unsettled.add(request);
    if (refuseIfRevokedOrExpired(request)) {
      return;
    }
    monitor.received(request);
    Instant eta = message.eta();
    Instant now = app.clock().instant();
    if (eta != null && eta.isAfter(now.plus(deferAfter)) && delivery.deferUntil(eta)) {
      unsettled.remove(request);
      log.debug("Parked ETA task {} in the broker until {}", message, eta);
    } else if (eta != null && eta.isAfter(now)) {
      etaTimer.hold(request, eta);
    } else {
      execute(request);
    }
  }

  private void unregistered(TaskMessage message, Delivery delivery) {
    String text =
        "Task of kind '"
            + message.task()
            + "' is not registered on worker "
            + nodename
            + ": register it, or route it to a worker that has it";
    log.error(
        "Received unregistered task {}[{}]: moved to dead letters. {}",
        message.task(),
        message.id(),
        text);
    ExceptionInfo info =
        ExceptionInfo.of("celery.exceptions", "NotRegistered", "'" + message.task() + "'");
    app.backend()
        .store(
            ResultMeta.failure(message.id(), info, text, app.clock().instant())
                .withGroupAndParent(message.group(), message.parentId()));
    failures.incrementAndGet();
    hook.onFailure(new Request(message, delivery, null), info, text);
    delivery.deadLetter("NotRegistered: " + message.task());
  }

  private void execute(Request request) {
    if (!running) {
      request.requeue();
      return;
    }
    rateLimits.submit(request);
  }

  private void runOnPool(Request request) {
    if (!running) {
      request.requeue();
      return;
    }
    pool.submit(
        new TaskPool.RequestTask(request) {
          @Override
          public void run() {
            try {
              runner.run(request);
            } catch (RuntimeException | Error e) {
              log.error("Task {} escaped its runner; returning it", request, e);
              request.requeue();
            }
          }
        });
  }

  /** Marks an expired or revoked task REVOKED and acks it; true when it must not run. */
  boolean refuseIfRevokedOrExpired(Request r) {
    String reason = null;
    if (revoked.contains(r.id())) {
      reason = "revoked";
    } else if (r.message.expires() != null && r.message.expires().isBefore(app.clock().instant())) {
      reason = "expired";
    }
    if (reason == null) {
      return false;
    }
    log.info("Discarding {} task {}", reason, r);
    monitor.revoked(r, "expired".equals(reason));
    ExceptionInfo info = ExceptionInfo.of("celery.exceptions", "TaskRevokedError", reason);
    ResultMeta meta =
        new ResultMeta(
            TaskState.REVOKED,
            info.toJson(),
            null,
            null,
            dev.apium.protocol.CeleryJson.naiveUtc(app.clock().instant()),
            r.id(),
            null,
            null,
            null);
    runner.store(r, meta);
    r.ack();
    hook.onFailure(r, info, null);
    return true;
  }

  // ---- callbacks from the runner ----

  void succeeded(Request r, JsonNode result, long nanos) {
    processed.incrementAndGet();
    monitor.succeeded(r, result, nanos);
    if (log.isDebugEnabled()) {
      log.debug("Task {} succeeded in {} ms: {}", r, nanos / 1_000_000.0, result);
    }
  }

  void failed(Request r, ExceptionInfo info) {
    processed.incrementAndGet();
    failures.incrementAndGet();
  }

  void retried(Request r) {
    processed.incrementAndGet();
  }

  WorkerMonitor monitor() {
    return monitor;
  }

  /** Consumes only these of the start-up queues from now on ({@code cancel_consumer}). */
  synchronized void consumeOnly(List<String> names) {
    if (!running) {
      return;
    }
    Subscription old = subscription;
    subscription =
        names.isEmpty() ? () -> {} : app.broker().consume(names, basePrefetch(), this::onDelivery);
    old.close();
  }

  /** How long result writes, acks and re-publishes are retried while the servers are away. */
  Duration transientRetryBudget() {
    return transientRetryBudget;
  }

  TaskOutcomeHook hook() {
    return hook;
  }

  void setHook(TaskOutcomeHook value) {
    hook = value;
  }

  TaskRunner runner() {
    return runner;
  }

  Executions executions() {
    return executions;
  }

  RateLimits rateLimits() {
    return rateLimits;
  }

  /** Tasks waiting for a rate-limit token now. */
  public int rateLimited() {
    RateLimits r = rateLimits;
    return r == null ? 0 : r.held();
  }

  boolean coldShutdown() {
    return cold;
  }

  RevokedIds revoked() {
    return revoked;
  }

  public String nodename() {
    return nodename;
  }

  public List<String> queues() {
    return queues;
  }

  public int concurrency() {
    return concurrency;
  }

  /** Tasks finished (any outcome) since start. */
  public long processed() {
    return processed.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Threads in the pool now (changes with {@code --autoscale}). */
  public int poolSize() {
    TaskPool p = pool;
    return p == null ? 0 : p.size();
  }

  /** Tasks running now. */
  public int active() {
    TaskPool p = pool;
    return p == null ? 0 : p.active();
  }

  /** ETA tasks held in memory now. */
  public int scheduled() {
    EtaTimer t = etaTimer;
    return t == null ? 0 : t.size();
  }

  public boolean isRunning() {
    return running;
  }

  /** Blocks until the worker has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Warm shutdown: stop fetching, return prefetched and ETA messages, let running tasks finish
   * until {@code deadline}; then interrupt what still runs (cold), returning {@code acks_late}
   * tasks.
   */
  public void stop(Duration deadline) {
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
    }
    if (beat != null) {
      beat.stop();
    }
    log.info(
        "Warm shutdown of {}: finishing {} running task(s), returning prefetched messages",
        nodename,
        active());
    subscription.close();
    List<Request> giveBack = new ArrayList<>(etaTimer.returnAll());
    giveBack.addAll(rateLimits.returnAll());
    giveBack.addAll(pool.drainPending());
    giveBack.forEach(Request::requeue);
    if (!giveBack.isEmpty()) {
      log.info("Restored {} unacknowledged message(s) to the broker", giveBack.size());
    }
    try {
      if (!pool.finish(deadline)) {
        coldStop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      coldStop();
    }
    runner.drainResults(transientRetryBudget.plusSeconds(5));
    executions.close();
    mailbox.close();
    monitor.stop();
    if (autoscaler != null) {
      autoscaler.close();
    }
    stopped.countDown();
    log.info("Worker {} stopped after {} task(s)", nodename, processed());
  }

  private void coldStop() {
    cold = true;
    log.warn(
        "Cold shutdown of {}: interrupting {} running task(s); acks_late tasks return to the broker",
        nodename,
        active());
    try {
      pool.interrupt(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Cold shutdown: interrupt running tasks now, returning {@code acks_late} ones to the broker.
   * Called during a warm shutdown (a second TERM or INT), it turns that shutdown cold.
   */
  public void stopNow() {
    boolean stopping;
    synchronized (this) {
      stopping = !running && pool != null && stopped.getCount() > 0;
      cold = true;
    }
    if (stopping) {
      coldStop();
      return;
    }
    stop(Duration.ZERO);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }

  /** Configures a {@link Worker}; not thread-safe. */
  public static final class Builder {
    private final Apium app;
    private final List<String> queues = new ArrayList<>();
    private int concurrency = Runtime.getRuntime().availableProcessors();
    private Integer prefetchMultiplier;
    private String nodename;
    private TaskPool.Kind poolKind = TaskPool.Kind.PLATFORM;
    private int[] autoscale;
    private Duration autoscaleKeepAlive = Duration.ofSeconds(30);
    private dev.apium.beat.Beat beat;

    Builder(Apium app) {
      this.app = app;
      this.concurrency = app.config().getInt(ApiumConfig.CONCURRENCY, concurrency);
    }

    /** Queues to consume ({@code -Q}); default {@code task_default_queue}. */
    public Builder queues(String... names) {
      queues.addAll(List.of(names));
      return this;
    }

    public Builder queues(List<String> names) {
      queues.addAll(names);
      return this;
    }

    /** Tasks run at once ({@code -c}). */
    public Builder concurrency(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, got " + value);
      }
      concurrency = value;
      return this;
    }

    /**
     * {@code --autoscale max,min}: the pool grows to {@code max} threads when busy and shrinks back
     * to {@code min} after {@code keepAlive} (Celery: 30 s) of lower demand. Prefetch follows max.
     */
    public Builder autoscale(int max, int min, Duration keepAlive) {
      if (min < 1 || max < min) {
        throw new IllegalArgumentException(
            "--autoscale " + max + "," + min + ": use max,min with max >= min >= 1, e.g. 10,3");
      }
      autoscale = new int[] {max, min};
      autoscaleKeepAlive = keepAlive;
      return this;
    }

    public Builder autoscale(int max, int min) {
      return autoscale(max, min, Duration.ofSeconds(30));
    }

    public Builder prefetchMultiplier(int value) {
      prefetchMultiplier = value;
      return this;
    }

    /** The worker's name ({@code -n}), e.g. {@code images@host}. */
    public Builder nodename(String value) {
      nodename = value;
      return this;
    }

    /** Virtual threads (Java 21+) for I/O-bound tasks: thousands at once. */
    public Builder virtualThreads(boolean value) {
      poolKind = value ? TaskPool.Kind.VIRTUAL : TaskPool.Kind.PLATFORM;
      return this;
    }

    /** Runs this beat inside the worker ({@code --beat}): started and stopped with it. */
    public Builder beat(dev.apium.beat.Beat value) {
      beat = value;
      return this;
    }

    public Worker build() {
      return new Worker(this);
    }

    public Worker start() {
      return build().start();
    }
  }

  /** The hook used until the canvas module installs its own. */
  private enum NoFollowUps implements TaskOutcomeHook {
    INSTANCE;

    @Override
    public void onSuccess(Request request, JsonNode result) {}

    @Override
    public void onFailure(Request request, ExceptionInfo error, String traceback) {}
  }
}
