package dev.apium.amqp;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.apium.spi.BrokerException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Declares Celery's AMQP topology (a durable task queue with a direct exchange of the same name and
 * a binding; the events and pidbox exchanges) and answers size/purge questions. Each call uses a
 * throwaway channel, so a server refusal (PRECONDITION_FAILED, NOT_FOUND) closes only that channel
 * and becomes a one-line {@link BrokerException}. Declared names are cached; the cache is cleared
 * when the connection recovers, so a restarted broker gets them declared again. Thread-safe; owns
 * nothing that needs closing.
 */
final class Topology {
  /** One AMQP operation on a throwaway channel. */
  interface Step<T> {
    T run(Channel channel) throws IOException;
  }

  private final Connection connection;
  private final Map<String, Object> taskQueueArgs;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  /** Queues and exchanges known to exist, by plain name: the per-publish check. */
  private final Set<String> routableQueues = ConcurrentHashMap.newKeySet();

  private final Set<String> routableExchanges = ConcurrentHashMap.newKeySet();

  Topology(Connection connection, Map<String, Object> taskQueueArgs) {
    this.connection = connection;
    this.taskQueueArgs = taskQueueArgs;
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(
          new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recovered) {
              declared.clear();
              routableQueues.clear();
              routableExchanges.clear();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recovering) {}
          });
    }
  }

  /** Celery's task queue: durable, not auto-delete, its direct exchange and binding. */
  void declareTaskQueue(String queue) {
    if (declared.contains("q:" + queue)) {
      return;
    }
    run(
        "queue '" + queue + "'",
        ch -> {
          ch.queueDeclare(queue, true, false, false, taskQueueArgs);
          return null;
        });
    run(
        "exchange '" + queue + "'",
        ch -> {
          ch.exchangeDeclare(queue, "direct", true);
          ch.queueBind(queue, queue, queue);
          return null;
        });
    declared.add("q:" + queue);
  }

  /** A plain durable queue with no exchange of its own (dead letters). */
  void declareDurable(String queue) {
    if (declared.add("d:" + queue)) {
      try {
        run("queue '" + queue + "'", ch -> ch.queueDeclare(queue, true, false, false, null));
      } catch (BrokerException e) {
        declared.remove("d:" + queue);
        throw e;
      }
    }
  }

  /** Makes sure a queue exists before publishing to it, without judging its arguments. */
  void ensureQueue(String queue) {
    if (routableQueues.contains(queue)) {
      return;
    }
    if (!declared.contains("q:" + queue) && !declared.contains("e:" + queue)) {
      if (exists(queue)) {
        declared.add("e:" + queue);
      } else {
        declareTaskQueue(queue);
      }
    }
    routableQueues.add(queue);
  }

  boolean exists(String queue) {
    try {
      run("queue '" + queue + "'", ch -> ch.queueDeclarePassive(queue));
      return true;
    } catch (BrokerException e) {
      if (Amqp.replyCode(e) == Amqp.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  void declareExchange(String exchange, String type, boolean durable) {
    if (declared.add("x:" + exchange)) {
      try {
        run("exchange '" + exchange + "'", ch -> ch.exchangeDeclare(exchange, type, durable));
      } catch (BrokerException e) {
        declared.remove("x:" + exchange);
        throw e;
      }
    }
  }

  /**
   * Checks that a named exchange exists before the first publish to it, so that a missing one is a
   * clear error here rather than a server close of a shared publishing channel.
   */
  void ensureExchange(String exchange) {
    if (routableExchanges.contains(exchange)) {
      return;
    }
    if (declared.contains("x:" + exchange)) {
      routableExchanges.add(exchange);
      return;
    }
    try {
      run("exchange '" + exchange + "'", ch -> ch.exchangeDeclarePassive(exchange));
    } catch (BrokerException e) {
      if (Amqp.replyCode(e) == Amqp.NOT_FOUND) {
        throw new BrokerException(
            "exchange '" + exchange + "' does not exist: declare it (bindQueue) before publishing",
            e);
      }
      throw e;
    }
    declared.add("x:" + exchange);
    routableExchanges.add(exchange);
  }

  void bind(String queue, String exchange, String routingKey) {
    run("binding of '" + queue + "'", ch -> ch.queueBind(queue, exchange, routingKey));
  }

  long size(String queue) {
    try {
      return run("queue '" + queue + "'", ch -> ch.queueDeclarePassive(queue)).getMessageCount();
    } catch (BrokerException e) {
      if (Amqp.replyCode(e) == Amqp.NOT_FOUND) {
        return 0;
      }
      throw e;
    }
  }

  long purge(String queue) {
    try {
      return run("queue '" + queue + "'", ch -> ch.queuePurge(queue)).getMessageCount();
    } catch (BrokerException e) {
      if (Amqp.replyCode(e) == Amqp.NOT_FOUND) {
        return 0;
      }
      throw e;
    }
  }

  /** Runs {@code step} on a fresh channel and closes it; server refusals become clear errors. */
  <T> T run(String what, Step<T> step) {
    Channel channel;
    try {
      channel = connection.createChannel();
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException("cannot open a RabbitMQ channel: " + Amqp.replyText(e), e);
    }
    try {
      return step.run(channel);
    } catch (IOException | AlreadyClosedException e) {
      throw refusal(what, e);
    } finally {
      if (channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | TimeoutException | AlreadyClosedException e) {
          // a channel we were about to drop anyway
        }
      }
    }
  }

  private static BrokerException refusal(String what, Exception e) {
    String text = Amqp.replyText(e);
    return switch (Amqp.replyCode(e)) {
      case Amqp.PRECONDITION_FAILED ->
          new BrokerException(
              what
                  + " exists with different flags ("
                  + text
                  + "): delete it or match its arguments",
              e);
      case Amqp.NOT_FOUND -> new BrokerException(what + " does not exist (" + text + ")", e);
      default -> new BrokerException("RabbitMQ refused " + what + ": " + text, e);
    };
  }
}
