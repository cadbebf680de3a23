package dev.apium.worker;

import dev.apium.spi.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Holds tasks whose ETA lies in the future, unacknowledged, without blocking fresh work: each held
 * task raises the consumer's prefetch by one (as Celery does) and is released to the pool at its
 * ETA. At an interval it keeps alive every delivery the worker still holds (ETA, prefetched, and
 * running {@code acks_late} tasks) so a visibility-timeout restore never hands a live task to
 * another worker. Owns one scheduler thread; {@link #returnAll()} gives every held task back to the
 * broker on shutdown.
 */
final class EtaTimer {
  private final Clock clock;
  private final Consumer<Request> release;
  private final IntConsumer heldChanged;
  private final ScheduledExecutorService scheduler;
  private final Map<Request, ScheduledFuture<?>> held = new ConcurrentHashMap<>();

  private final java.util.function.Supplier<java.util.Collection<Request>> unsettled;

  EtaTimer(
      Clock clock,
      Duration keepAliveEvery,
      java.util.function.Supplier<java.util.Collection<Request>> unsettled,
      Consumer<Request> release,
      IntConsumer heldChanged) {
    this.clock = clock;
    this.unsettled = unsettled;
    this.release = release;
    this.heldChanged = heldChanged;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-eta"));
    long every = Math.max(50, keepAliveEvery.toMillis());
    scheduler.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
  }

  void hold(Request request, Instant eta) {
    synchronized (held) {
      held.put(request, schedule(request, eta));
      heldChanged.accept(held.size());
    }
  }

  private ScheduledFuture<?> schedule(Request request, Instant eta) {
    long delay = Math.max(0, Duration.between(clock.instant(), eta).toNanos());
    return scheduler.schedule(() -> fire(request, eta), delay, TimeUnit.NANOSECONDS);
  }

  /** Releases the request at its ETA; the wall clock is checked again so it never runs early. */
  private void fire(Request request, Instant eta) {
    synchronized (held) {
      if (!held.containsKey(request)) {
        return;
      }
      if (clock.instant().isBefore(eta)) {
        held.put(request, schedule(request, eta));
        return;
      }
      held.remove(request);
      heldChanged.accept(held.size());
    }
    release.accept(request);
  }

  private void keepAlive() {
    for (Request request : unsettled.get()) {
      try {
        request.delivery.keepAlive();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(EtaTimer.class)
            .warn("could not keep ETA task {} alive: {}", request.id(), e.getMessage());
      }
    }
  }

  int size() {
    return held.size();
  }

  /** Cancels every hold and returns the requests (to be requeued by the caller). */
  List<Request> returnAll() {
    List<Request> out = new ArrayList<>();
    synchronized (held) {
      held.forEach(
          (request, future) -> {
            future.cancel(false);
            out.add(request);
          });
      held.clear();
    }
    scheduler.shutdownNow();
    return out;
  }
}
