package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.spi.DeadLetters;
import dev.apium.spi.DeadLetters.DeadLetter;
import dev.apium.spi.Delivery;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code <queue>.dead} through the dead-letter API: list, find, replay, purge. */
class AmqpDeadLettersIT {
  private static VhostBroker amqp;

  @BeforeAll
  static void start() throws Exception {
    amqp = new VhostBroker("apium-dead-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (amqp != null) {
      amqp.close();
    }
  }

  private static void publish(String queue, String id) {
    ArrayNode args = CeleryJson.array().add(1);
    TaskMessage task = TaskMessage.builder("dead.task", id).args(args).rootId(id).build();
    amqp.broker.publish(queue, TaskMessageCodec.encode(task, java.time.Instant.now()));
  }

  private static Delivery take(BlockingQueue<Delivery> got) throws InterruptedException {
    Delivery d = got.poll(10, TimeUnit.SECONDS);
    assertThat(d).as("a delivery within 10 s").isNotNull();
    return d;
  }

  @Test
  void listFindReplayAndPurge() throws Exception {
    String queue = VhostBroker.queue();
    amqp.broker.declareQueue(queue);
    publish(queue, "a1");
    publish(queue, "a2");
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    try (var s = amqp.broker.consume(List.of(queue), 2, got::add)) {
      take(got).deadLetter("broken for the test");
      take(got).deadLetter("broken for the test");
    }
    DeadLetters dead = amqp.broker.deadLetters().orElseThrow();
    List<DeadLetter> letters = dead.list(List.of(queue), 10);
    assertThat(letters).extracting(DeadLetter::taskId).containsExactlyInAnyOrder("a1", "a2");
    assertThat(letters).allMatch(d -> d.reason().equals("broken for the test"));
    assertThat(letters).allMatch(d -> "dead.task".equals(d.task()));
    // Reading did not consume: the same two are still there.
    assertThat(dead.list(List.of(queue), 10)).hasSize(2);

    assertThat(dead.replay(List.of(queue), "a1")).isTrue();
    assertThat(dead.replay(List.of(queue), "a1")).isFalse();
    BlockingQueue<Delivery> again = new LinkedBlockingQueue<>();
    try (var s = amqp.broker.consume(List.of(queue), 1, again::add)) {
      Delivery back = take(again);
      assertThat(back.message().header("id")).isEqualTo("a1");
      assertThat(back.message().header(AmqpDelivery.DEAD_LETTER_REASON)).isNull();
      back.ack();
    }
    assertThat(dead.purge(List.of(queue))).isEqualTo(1);
    assertThat(dead.list(List.of(queue), 10)).isEmpty();
    assertThatThrownBy(() -> dead.list(List.of(), 10)).hasMessageContaining("name the queues");
  }

  @Test
  void theDeadQueueKeepsAtMostDeadLetterMaxNewestFirst() throws Exception {
    String queue = VhostBroker.queue();
    try (AmqpBroker capped =
        new AmqpBroker(
            amqp.vhost.url(), dev.apium.ApiumConfig.of(java.util.Map.of("dead_letter_max", "1")))) {
      capped.declareQueue(queue);
      for (String id : List.of("c1", "c2")) {
        ArrayNode args = CeleryJson.array().add(1);
        capped.publish(
            queue,
            TaskMessageCodec.encode(
                TaskMessage.builder("dead.task", id).args(args).rootId(id).build(),
                java.time.Instant.now()));
      }
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (var s = capped.consume(List.of(queue), 2, got::add)) {
        take(got).deadLetter("capped for the test");
        take(got).deadLetter("capped for the test");
      }
      assertThat(capped.deadLetters().orElseThrow().list(List.of(queue), 10))
          .extracting(DeadLetter::taskId)
          .containsExactly("c2");
    }
  }
}
