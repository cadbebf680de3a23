package dev.apium.amqp;

import com.rabbitmq.client.ShutdownSignalException;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bound on what a stop waits for from RabbitMQ: a hung node (connections open, nothing
 * answering, as behind a partition) would hold each cancel and each channel close for the channel's
 * RPC timeout (10 minutes), one after another. Each such call runs through {@link #within}, on a
 * thread of its own, and is waited for at most {@link #BOUND}; once one went unanswered, the rest
 * of the stop does not wait at all (the connections are then aborted, and RabbitMQ requeues what
 * they held unacknowledged), until the call that outlasted the bound answers after all, which shows
 * RabbitMQ is back. A call started while the mark is set proves nothing when it ends: closing a
 * channel that is already closed ends at once without asking RabbitMQ anything. One per {@link
 * AmqpBroker}; called from the threads that stop a worker or close the broker.
 */
final class StopWaits {
  /** How long one call of a stop is waited for. */
  static final Duration BOUND = Duration.ofSeconds(2);

  private volatile boolean unanswered;

  /**
   * Runs {@code call} and waits for it at most {@link #BOUND}, or not at all once an earlier call
   * went unanswered or the calling thread is interrupted (then the call still runs, on its own
   * thread); true when it ended in time. Only a call that outlasts the bound marks RabbitMQ as not
   * answering, and only its own late answer clears the mark.
   */
  boolean within(String what, Runnable call) {
    AtomicBoolean outlasted = new AtomicBoolean();
    Runnable answered =
        () -> {
          try {
            call.run();
            if (outlasted.getAndSet(false)) {
              unanswered = false;
              AmqpBroker.LOG.debug("RabbitMQ answered {} after all", what);
            }
          } catch (ShutdownSignalException e) {
            // the connection was closed under the call (the stop's abort, or a missed heartbeat)
            AmqpBroker.LOG.debug("{} ended with its connection: {}", what, e.getMessage());
          }
        };
    if (unanswered) {
      Threads.daemon("apium-amqp-stop", answered).start();
      AmqpBroker.LOG.debug("not waiting for {}: RabbitMQ left an earlier call unanswered", what);
      return false;
    }
    if (Threads.finishesWithin("apium-amqp-stop", BOUND, answered)) {
      return true;
    }
    if (Thread.currentThread().isInterrupted()) {
      // The stop itself was cut short, which says nothing about RabbitMQ: not marked unanswered.
      AmqpBroker.LOG.debug("not waiting for {}: the stop was interrupted", what);
      return false;
    }
    unanswered = true;
    outlasted.set(true);
    AmqpBroker.LOG.warn(
        "RabbitMQ did not answer {} within {} ms (hung or cut off?); the stop goes on without"
            + " waiting: RabbitMQ requeues the unacknowledged messages when the connection closes",
        what,
        BOUND.toMillis());
    return false;
  }

  /** Whether a call of this stop went unanswered and RabbitMQ has not answered since. */
  boolean unanswered() {
    return unanswered;
  }
}
