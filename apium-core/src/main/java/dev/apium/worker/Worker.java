package dev.apium.worker;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.internal.Hosts;
import dev.apium.listen.Listeners;
import dev.apium.listen.TaskListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker, the engine's one public door (built by {@code app.worker()}): consumes task messages
 * from its queues, holds ETA tasks, runs the rest on its pool, and stores their results. It builds
 * its collaborators ({@link TaskConsumer}, {@link TaskRunner}, {@link Executions}, {@link Mailbox},
 * {@link Settlement}) and hands each what it needs. Lifecycle: {@link #start()}, then {@link
 * #stop(Duration)} (warm: stop fetching, return prefetched and ETA messages, let running tasks
 * finish until the deadline, then interrupt them and return running {@code acks_late} tasks) or
 * {@link #stopNow()} (cold). Deliveries arrive on the broker's thread; tasks run on pool threads.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final String RETRY_TIMEOUT = "result_backend_retry_timeout";

  private final Apium app;
  private final List<String> queues;
  private final int concurrency;
  private final int prefetchMultiplier;
  private final String nodename;
  private final TaskPool.Kind poolKind;
  private final RevokedIds revoked;
  private final Duration deferAfter;
  private final Duration transientRetryBudget;
  private final WorkerHost host;
  private final Settlement settlement;
  private final dev.apium.beat.Beat beat;
  private final Listeners listeners;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean cold = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean();
  private TaskPool pool;
  private Executions executions;
  private TaskConsumer consumer;
  private WorkerMonitor monitor;
  private final int[] autoscale;
  private final Duration autoscaleKeepAlive;
  private Autoscaler autoscaler;

  private Worker(Builder b) {
    this.app = b.app;
    this.host = b.host;
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
    this.transientRetryBudget = app.config().getSeconds(RETRY_TIMEOUT, Duration.ofSeconds(120));
    this.listeners = Listeners.of(b.listeners);
    this.settlement = new Settlement(app, host, revoked, nodename, transientRetryBudget, listeners);
    host.attach(nodename);
    this.beat = b.beat;
  }

  /** Starts consuming. Returns once the subscription is live. */
  public synchronized Worker start() {
    if (running.get()) {
      return this;
    }
    revoked.load();
    pool = new TaskPool(poolKind, autoscale != null ? autoscale[1] : concurrency);
    autoscaler = autoscale == null ? null : Autoscaler.of(pool, autoscale, autoscaleKeepAlive);
    executions = new Executions(settlement, pool);
    Retrier retrier = new Retrier(app.clock(), host, settlement, nodename, transientRetryBudget);
    TaskRunner runner = new TaskRunner(host, settlement, executions, retrier, nodename, cold);
    int basePrefetch = Math.max(1, concurrency * Math.max(1, prefetchMultiplier));
    consumer = new TaskConsumer(app, settlement, runner, pool, running, basePrefetch, deferAfter);
    running.set(true);
    monitor =
        WorkerMonitor.start(
            app,
            new WorkerMonitor.Engine(
                nodename, queues, concurrency, settlement, pool, revoked, executions, consumer),
            this::close);
    consumer.start(queues);
    monitor.listen(consumer.rateLimits());
    java.util.Optional.ofNullable(beat).ifPresent(dev.apium.beat.Beat::start);
    OperatorLog.ready(this, poolKind.name().toLowerCase(), basePrefetch, app);
    listeners.workerReady(this);
    return this;
  }

  /** Tasks waiting for a rate-limit token now. */
  public int rateLimited() {
    TaskConsumer c = consumer;
    return c == null ? 0 : c.rateLimits().held();
  }

  /** The ids this worker refuses to run (Celery's {@code inspect revoked}): a snapshot. */
  public Set<String> revoked() {
    return revoked.snapshot();
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

  /** How the tasks received since start have ended, each in exactly one count. */
  public TaskCounts counts() {
    return settlement.counts();
  }

  /** Tasks that succeeded, were re-published for a retry, or replaced themselves. */
  public long processed() {
    return settlement.counts().processed();
  }

  /** Tasks that ended FAILURE (see {@link TaskCounts#failed()}). */
  public long failures() {
    return settlement.counts().failed();
  }

  /** Messages that could not be read and went to the dead letters. */
  public long rejected() {
    return settlement.counts().rejected();
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

  /**
   * Task events ({@code -E}) dropped since start because the broker did not take them as fast as
   * tasks ran (at most 10,000 wait to be sent; {@code inspect stats} shows the same count).
   */
  public long droppedEvents() {
    WorkerMonitor m = monitor;
    return m == null ? 0 : m.events().droppedEvents();
  }

  /** ETA tasks held in memory now. */
  public int scheduled() {
    TaskConsumer c = consumer;
    return c == null ? 0 : c.scheduled();
  }

  /**
   * Tasks received and waiting to start (Celery's reserved: prefetched, rate-limited or queued for
   * a pool slot; neither running nor held for their ETA). A snapshot of moving counts.
   */
  public int reserved() {
    TaskConsumer c = consumer;
    return c == null ? 0 : c.reserved(executions);
  }

  public boolean isRunning() {
    return running.get();
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
      if (!running.get()) {
        return;
      }
      running.set(false);
    }
    listeners.workerStopping(this);
    java.util.Optional.ofNullable(beat).ifPresent(dev.apium.beat.Beat::stop);
    OperatorLog.warmShutdown(nodename, active());
    consumer.stop();
    try {
      if (!pool.finish(deadline)) {
        coldStop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      coldStop();
    }
    settlement.drainResults(transientRetryBudget.plusSeconds(5));
    executions.close();
    monitor.stop();
    java.util.Optional.ofNullable(autoscaler).ifPresent(Autoscaler::close);
    stopped.countDown();
    log.info("Worker {} stopped after {} task(s)", nodename, counts().total());
  }

  private void coldStop() {
    cold.set(true);
    OperatorLog.coldShutdown(nodename, active());
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
      stopping = !running.get() && pool != null && stopped.getCount() > 0;
      cold.set(true);
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
    private final WorkerHost host;
    private final List<String> queues = new ArrayList<>();
    private int concurrency = Runtime.getRuntime().availableProcessors();
    private Integer prefetchMultiplier;
    private String nodename;
    private TaskPool.Kind poolKind = TaskPool.Kind.PLATFORM;
    private int[] autoscale;
    private Duration autoscaleKeepAlive = Duration.ofSeconds(30);
    private dev.apium.beat.Beat beat;
    private final List<TaskListener> listeners;

    /** Use {@code app.worker()}, which hands the builder its app's {@link WorkerHost}. */
    public Builder(Apium app, WorkerHost host) {
      this.app = app;
      this.host = host;
      this.listeners = new ArrayList<>(app.listeners());
      this.concurrency = app.config().getInt(ApiumConfig.CONCURRENCY, concurrency);
    }

    /** Queues to consume ({@code -Q}); default {@code task_default_queue}. */
    public Builder queues(String... names) {
      return queues(List.of(names));
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

    /**
     * Virtual threads (Java 21+) for I/O-bound tasks: still at most {@code concurrency} tasks at
     * once, as Celery's {@code -c} with gevent, but that number can be in the thousands.
     */
    public Builder virtualThreads(boolean value) {
      poolKind = value ? TaskPool.Kind.VIRTUAL : TaskPool.Kind.PLATFORM;
      return this;
    }

    /** Runs this beat inside the worker ({@code --beat}): started and stopped with it. */
    public Builder beat(dev.apium.beat.Beat value) {
      beat = value;
      return this;
    }

    /** Watches this worker's tasks, after the app's listeners ({@code Apium.Builder.listener}). */
    public Builder listener(TaskListener value) {
      listeners.add(value);
      return this;
    }

    public Worker build() {
      return new Worker(this);
    }

    public Worker start() {
      return build().start();
    }
  }
}
