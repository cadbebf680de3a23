package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.apium.ApiumConfig;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code AmqpBroker.publishAsync}: the future completes on RabbitMQ's confirm, in publish order,
 * and fails with a {@link BrokerException} whenever the message is not stored; own vhost.
 */
class AmqpPublishAsyncIT {
  private static VhostBroker amqp;
  private static RabbitVhost vhost;
  private static AmqpBroker broker;
  private static Connection raw;

  @BeforeAll
  static void start() throws Exception {
    amqp = new VhostBroker("apium-publishasync-it");
    vhost = amqp.vhost;
    broker = amqp.broker;
    raw = amqp.raw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (amqp != null) {
      amqp.close();
    }
  }

  private static String queue() {
    return VhostBroker.queue();
  }

  private static WireMessage message(int n) {
    return WireMessage.json(
        Map.of("n", n), Map.of(), ("[" + n + "]").getBytes(StandardCharsets.UTF_8));
  }

  /** The failure of a future that must fail, within 10 s. */
  private static Throwable failure(CompletableFuture<Void> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the publish succeeded");
  }

  @Test
  void futuresCompleteOnConfirmAndMessagesKeepTheirOrder() throws Exception {
    String q = queue();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(broker.publishAsync("", q, message(i)));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(broker.size(q)).isEqualTo(2000);
    try (Channel ch = raw.createChannel()) {
      for (int i = 0; i < 2000; i++) {
        GetResponse r = ch.basicGet(q, true);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("[" + i + "]");
      }
    }
  }

  @Test
  void callbacksDoNotRunOnTheConnectionThread() throws Exception {
    String q = queue();
    String thread =
        broker
            .publishAsync("", q, message(1))
            .thenApply(v -> Thread.currentThread().getName())
            .get(10, TimeUnit.SECONDS);
    assertThat(thread).isEqualTo("apium-amqp-confirms");
  }

  @Test
  void aQueueDeletedBehindTheBrokersBackFailsTheFutureAsUnroutable() throws Exception {
    String q = queue();
    broker.publishAsync("", q, message(1)).get(10, TimeUnit.SECONDS);
    try (Channel ch = raw.createChannel()) {
      ch.queueDelete(q);
    }
    assertThat(failure(broker.publishAsync("", q, message(2))))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("could not route")
        .hasMessageContaining("NO_ROUTE")
        .hasMessageContaining("'" + q + "'");
    broker.publish(queue(), message(3)); // the channel is still usable
  }

  @Test
  void aRoutingKeyWithoutABindingFailsTheFuture() throws Exception {
    String q = queue();
    broker.bindQueue(q, "x-" + q, "bound");
    broker.publishAsync("x-" + q, "bound", message(1)).get(10, TimeUnit.SECONDS);
    assertThat(failure(broker.publishAsync("x-" + q, "unbound", message(2))))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("could not route");
    assertThat(broker.size(q)).isEqualTo(1);
  }

  @Test
  void aMissingExchangeFailsTheFutureWithoutThrowing() throws Exception {
    CompletableFuture<Void> future = broker.publishAsync("no-such-exchange", "x", message(1));
    assertThat(failure(future))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("exchange 'no-such-exchange' does not exist");
  }

  @Test
  void anExchangeDeletedBehindTheBrokersBackFailsTheFutureAndTheNextPublishWorks()
      throws Exception {
    String q = queue();
    broker.bindQueue(q, "gone-" + q, "rk");
    broker.publishAsync("gone-" + q, "rk", message(1)).get(10, TimeUnit.SECONDS);
    try (Channel ch = raw.createChannel()) {
      ch.exchangeDelete("gone-" + q);
    }
    assertThat(failure(broker.publishAsync("gone-" + q, "rk", message(2))))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("NOT_FOUND");
    broker.publishAsync("", q, message(3)).get(10, TimeUnit.SECONDS);
    assertThat(broker.size(q)).isEqualTo(2);
  }

  @Test
  void aNackFailsTheFuture() throws Exception {
    String q = queue();
    try (Channel ch = raw.createChannel()) {
      ch.queueDeclare(
          q, true, false, false, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    }
    broker.publishAsync("", q, message(1)).get(10, TimeUnit.SECONDS);
    assertThat(failure(broker.publishAsync("", q, message(2))))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("nack");
  }

  @Test
  void aClosedBrokerFailsTheFutureAtOnce() throws Exception {
    AmqpBroker closed = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
    String q = queue();
    closed.publishAsync("", q, message(1)).get(10, TimeUnit.SECONDS);
    closed.close();
    long start = System.nanoTime();
    assertThat(failure(closed.publishAsync("", q, message(2))))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("closed");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void closingTheBrokerFailsOrConfirmsEveryPendingFuture() throws Exception {
    AmqpBroker closing = new AmqpBroker(vhost.url(), ApiumConfig.of(Map.of()));
    String q = queue();
    closing.declareQueue(q);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      futures.add(closing.publishAsync("", q, message(i)));
    }
    closing.close();
    int failed = 0;
    for (CompletableFuture<Void> future : futures) {
      try {
        future.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(BrokerException.class);
        failed++;
      }
    }
    assertThat(broker.size(q)).isBetween(5000L - failed, 5000L);
  }
}
