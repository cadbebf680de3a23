package dev.apium.amqp;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The dead letters of RabbitMQ: the durable queues {@code <queue>.dead} that Apium copies
 * unprocessable messages into. RabbitMQ cannot list queues without its management plugin, so every
 * call names its queues. Reading is {@code basic.get} without ack on a channel of its own, closed
 * afterwards, so what was only looked at goes back where it was; replay republishes the message to
 * its queue with publisher confirms (without the {@code dead_letter_reason} header) and acks the
 * dead copy after the confirm. A letter's id is its task id. Size and age caps are RabbitMQ's own
 * (a policy with {@code max-length} and {@code message-ttl} on {@code .dead$} queues), since a
 * queue's arguments cannot change once it exists. Thread-safe: each call has its own channel.
 */
final class AmqpDeadLetters implements DeadLetters {
  private final AmqpBroker broker;

  AmqpDeadLetters(AmqpBroker broker) {
    this.broker = broker;
  }

  @Override
  public List<DeadLetter> list(List<String> queues, int limit) {
    List<DeadLetter> out = new ArrayList<>();
    for (String queue : named(queues)) {
      walk(
          queue,
          (letter, wire, ch) -> {
            if (out.size() < limit) {
              out.add(letter);
            }
            return false;
          });
    }
    return out;
  }

  @Override
  public boolean replay(List<String> queues, String id) {
    boolean[] done = {false};
    for (String queue : named(queues)) {
      walk(
          queue,
          (letter, wire, ch) -> {
            if (!done[0] && (id.equals(letter.id()) || id.equals(letter.taskId()))) {
              done[0] = true;
              return true;
            }
            return false;
          });
      if (done[0]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int replayAll(List<String> queues) {
    int[] replayed = {0};
    for (String queue : named(queues)) {
      walk(queue, (letter, wire, ch) -> ++replayed[0] > 0);
    }
    return replayed[0];
  }

  @Override
  public long purge(List<String> queues) {
    long purged = 0;
    for (String queue : named(queues)) {
      purged += broker.purge(queue + ".dead");
    }
    return purged;
  }

  /** Decides, for each dead letter read, whether to put it back on its queue. */
  private interface Visitor {
    boolean replay(DeadLetter letter, WireMessage wire, Channel channel);
  }

  private void walk(String queue, Visitor visitor) {
    String dead = queue + ".dead";
    Channel ch = broker.adminChannel();
    try {
      GetResponse got;
      while ((got = get(ch, dead)) != null) {
        WireMessage wire = AmqpMessages.wire(got.getProps(), got.getBody());
        DeadLetter letter = letter(queue, wire);
        if (visitor.replay(letter, wire, ch)) {
          broker.publish("", queue, wire.withoutHeader(AmqpDelivery.DEAD_LETTER_REASON));
          ch.basicAck(got.getEnvelope().getDeliveryTag(), false);
        }
      }
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException("cannot read " + dead + ": " + Amqp.replyText(e), e);
    } finally {
      try {
        if (ch.isOpen()) {
          ch.close(); // what was read but not replayed goes back to the dead queue
        }
      } catch (IOException | TimeoutException | AlreadyClosedException e) {
        AmqpBroker.LOG.debug("closing a dead-letter channel failed", e);
      }
    }
  }

  /** The next message of a dead queue, or null at its end or when it does not exist. */
  private static GetResponse get(Channel ch, String dead) throws IOException {
    if (!ch.isOpen()) {
      return null;
    }
    try {
      return ch.basicGet(dead, false);
    } catch (IOException e) {
      if (Amqp.replyText(e).contains("NOT_FOUND")) {
        return null;
      }
      throw e;
    }
  }

  private static DeadLetter letter(String queue, WireMessage wire) {
    Object id = wire.header("id");
    Object task = wire.header("task");
    Object reason = wire.header(AmqpDelivery.DEAD_LETTER_REASON);
    String taskId = id == null ? null : id.toString();
    return new DeadLetter(
        taskId != null ? taskId : String.valueOf(wire.property("correlation_id")),
        queue,
        reason == null ? "?" : reason.toString(),
        null,
        taskId,
        task == null ? null : task.toString(),
        new String(wire.body(), StandardCharsets.UTF_8));
  }

  private static List<String> named(List<String> queues) {
    if (queues.isEmpty()) {
      throw new IllegalArgumentException(
          "RabbitMQ cannot list its queues without the management plugin: name the queues whose"
              + " dead letters you want (-Q celery,images)");
    }
    return queues;
  }
}
