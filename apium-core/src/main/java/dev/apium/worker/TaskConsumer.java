package dev.apium.worker;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.RegisteredTask;
import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's fetch side: decodes each delivery, refuses what must not run (malformed,
 * unregistered, revoked, expired: written by the {@link Settlement}), parks far ETAs in the broker,
 * holds near ones in its {@link EtaTimer}, and passes the rest through the {@link RateLimits} to
 * the {@link TaskPool}. Owns the prefetch (the base plus one per task held in memory, as in Celery)
 * and the set of requests not yet settled. Deliveries arrive on the transport's thread; the ETA and
 * rate-limit threads release held tasks through it. {@link #stop()} closes the subscription and
 * returns every held and queued task to the broker.
 */
final class TaskConsumer {
  private static final Logger log = LoggerFactory.getLogger(TaskConsumer.class);

  private final Apium app;
  private final Settlement settlement;
  private final TaskRunner runner;
  private final TaskPool pool;
  private final AtomicBoolean running;
  private final int basePrefetch;

  /**
   * ETA tasks due later than this are handed back to the broker to hold ({@link
   * Delivery#deferUntil}) where it can (RabbitMQ, whose consumer timeout would otherwise close the
   * channel); others are held in memory. Setting {@code worker_eta_defer_after}, seconds.
   */
  private final Duration deferAfter;

  private final Set<Request> unsettled = ConcurrentHashMap.newKeySet();
  private final RateLimits rateLimits;
  private final EtaTimer etaTimer;
  private volatile Subscription subscription;

  TaskConsumer(
      Apium app,
      Settlement settlement,
      TaskRunner runner,
      TaskPool pool,
      AtomicBoolean running,
      int basePrefetch,
      Duration deferAfter) {
    this.app = app;
    this.settlement = settlement;
    this.runner = runner;
    this.pool = pool;
    this.running = running;
    this.basePrefetch = basePrefetch;
    this.deferAfter = deferAfter;
    // Held deliveries are kept alive well within the visibility timeout (at most every minute).
    Duration visibility =
        app.config().getSeconds(ApiumConfig.VISIBILITY_TIMEOUT, Duration.ofHours(1));
    Duration keepAlive =
        visibility.dividedBy(4).compareTo(Duration.ofMinutes(1)) > 0
            ? Duration.ofMinutes(1)
            : visibility.dividedBy(4);
    this.rateLimits = new RateLimits(app, this::runOnPool, this::updatePrefetch);
    this.etaTimer =
        new EtaTimer(
            app.clock(), keepAlive, () -> unsettled, this::execute, held -> updatePrefetch());
  }

  /** Declares {@code queues} and subscribes to them; returns once the subscription is live. */
  void start(List<String> queues) {
    queues.forEach(app.broker()::declareQueue);
    subscription = app.broker().consume(queues, basePrefetch, this::onDelivery);
  }

  int basePrefetch() {
    return basePrefetch;
  }

  /**
   * Tasks received and waiting to start: neither running on {@code executions} nor held for their
   * ETA (a snapshot of moving counts). A running task is counted out by id, not subtracted: with
   * the early ack (the default) it has already left the unsettled set.
   */
  int reserved(Executions executions) {
    int waiting = 0;
    for (Request r : unsettled) {
      if (!executions.isRunning(r.id())) {
        waiting++;
      }
    }
    return Math.max(0, waiting - scheduled());
  }

  /** The requests received and not yet settled (inspect's reserved and scheduled). */
  java.util.Collection<Request> unsettled() {
    return unsettled;
  }

  /** Consumes only these of the start-up queues from now on ({@code cancel_consumer}). */
  synchronized void consumeOnly(List<String> queues) {
    if (!running.get()) {
      return;
    }
    Subscription old = subscription;
    subscription =
        queues.isEmpty() ? () -> {} : app.broker().consume(queues, basePrefetch, this::onDelivery);
    old.close();
  }

  RateLimits rateLimits() {
    return rateLimits;
  }

  /** ETA tasks held in memory now. */
  int scheduled() {
    return etaTimer.size();
  }

  /** Each ETA or rate-limited task held in memory raises the prefetch by one, as in Celery. */
  private void updatePrefetch() {
    Subscription s = subscription;
    EtaTimer eta = etaTimer;
    RateLimits limits = rateLimits;
    if (s != null) {
      s.setPrefetch(
          basePrefetch + (eta == null ? 0 : eta.size()) + (limits == null ? 0 : limits.held()));
    }
  }

  /** Called on the broker's thread for every message. Never blocks, never throws. */
  void onDelivery(Delivery delivery) {
    TaskMessage message;
    try {
      message = TaskMessageCodec.decode(delivery.message());
    } catch (MalformedMessageException e) {
      settlement.unreadable(delivery, e.getMessage());
      return;
    } catch (RuntimeException e) {
      log.error(
          "Unreadable message (delivery tag {}, queue {}) moved to dead letters",
          delivery.deliveryTag(),
          delivery.queue(),
          e);
      settlement.unreadable(delivery, String.valueOf(e));
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
      settlement.unregistered(message, delivery);
      return;
    }
    Request request = new Request(message, delivery, task, unsettled::remove);
    unsettled.add(request);
    if (settlement.refuseIfRevokedOrExpired(request)) {
      return;
    }
    settlement.observer().received(request);
    settlement.operatorLog().received(request);
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

  private void execute(Request request) {
    if (!running.get()) {
      request.requeue();
      return;
    }
    rateLimits.submit(request);
  }

  private void runOnPool(Request request) {
    if (!running.get()) {
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
              settlement.observer().requeued(request);
            }
          }
        });
  }

  /** Stops fetching and returns every prefetched, ETA and rate-limited message to the broker. */
  void stop() {
    subscription.close();
    List<Request> giveBack = new ArrayList<>(etaTimer.returnAll());
    giveBack.addAll(rateLimits.returnAll());
    giveBack.addAll(pool.drainPending());
    giveBack.forEach(Request::requeue);
    if (!giveBack.isEmpty()) {
      log.info("Handed {} prefetched message(s) back to the broker", giveBack.size());
    }
  }
}
