package dev.apium.amqp;

import dev.apium.Apium;
import dev.apium.testing.StopDuringOutage;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its RabbitMQ is down (a private node, SIGKILLed) or hung (SIGSTOP)
 * stops within seconds: its {@code worker-offline} event gets a bounded wait instead of the
 * publisher's wait for the connection's recovery (30 s), the consumers' cancel and the channels'
 * closes are bounded by {@link StopWaits} instead of waiting for a missed heartbeat, and its
 * prefetched messages are left to RabbitMQ, which requeues them with the lost or aborted
 * connection. Once the node is back, the next worker runs every task.
 */
class AmqpStopWhileDownIT {
  @Test
  void aWarmStopAfterRabbitMqCrashedIsQuickAndLosesNothing() throws Exception {
    stopDuring(PrivateRabbitNode::kill, PrivateRabbitNode::start);
  }

  /**
   * A hung node (SIGSTOP): the connections stay open and nothing answers, so the consumers' cancel
   * and the channels' closes would wait for replies that do not come.
   */
  @Test
  void aWarmStopWhileRabbitMqHangsIsQuickAndLosesNothing() throws Exception {
    stopDuring(PrivateRabbitNode::pause, PrivateRabbitNode::resume);
  }

  /** What a test does to its private node. */
  private interface NodeStep {
    void run(PrivateRabbitNode node) throws Exception;
  }

  private static void stopDuring(NodeStep outage, NodeStep recovery) throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      node.start();
      StopDuringOutage.check(
          () -> app(node), first -> outage.run(node), first -> recovery.run(node), () -> app(node));
    }
  }

  private static Apium app(PrivateRabbitNode node) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(node.url())
        .backend("redis://127.0.0.1:6379/14")
        .build();
  }
}
