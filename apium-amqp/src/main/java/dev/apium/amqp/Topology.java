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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Declares Celery's AMQP topology (a durable task queue declared as its {@link QueueSpec} says:
 * classic or quorum, bound to its exchange, by default a direct exchange of the same name; the
 * events and pidbox exchanges) and answers size/purge questions. A queue or exchange that already
 * exists with other arguments or another type (declared by Celery with other settings) is attached
 * to as it is, with one warning, instead of failing; the quorum type it reports is remembered for
 * QoS. Each call uses a throwaway channel, so a server refusal (PRECONDITION_FAILED, NOT_FOUND)
 * closes only that channel and becomes a one-line {@link BrokerException}. Declared names are
 * cached; the cache is cleared when the connection recovers, so a restarted broker gets them
 * declared again. Thread-safe; owns nothing that needs closing.
 */
final class Topology {
  /** One AMQP operation on a throwaway channel. */
  interface Step<T> {
    T run(Channel channel) throws IOException;
  }

  private final Connection connection;
  private static final Pattern CURRENT_TYPE =
      Pattern.compile("'x-queue-type'.*current is the value '([^']*)'");

  private final QueueSettings settings;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final Set<String> quorum = ConcurrentHashMap.newKeySet();

  /** Queues and exchanges known to exist, by plain name: the per-publish check. */
  private final Set<String> routableQueues = ConcurrentHashMap.newKeySet();

  private final Set<String> routableExchanges = ConcurrentHashMap.newKeySet();

  Topology(Connection connection, QueueSettings settings) {
    this.connection = connection;
    this.settings = settings;
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

  QueueSettings settings() {
    return settings;
  }

  /** True when the queue was declared, or found, as a quorum queue. */
  boolean isQuorum(String queue) {
    return quorum.contains(queue);
  }

  /** Celery's task queue: durable, not auto-delete, its exchange and binding, as its spec says. */
  void declareTaskQueue(String queue) {
    if (declared.contains("q:" + queue)) {
      return;
    }
    QueueSpec spec = settings.spec(queue);
    declareQueue(queue, spec.arguments());
    if (!spec.exchange().isEmpty()) {
      declareExchangeOrAttach(spec.exchange(), spec.exchangeType());
      bind(queue, spec.exchange(), spec.routingKey());
    }
    declared.add("q:" + queue);
  }

  /**
   * Declares a durable queue with {@code arguments}; when it exists with other ones, attaches to it
   * as it is (passive declare) with one warning, and learns its type from RabbitMQ's refusal.
   */
  private void declareQueue(String queue, Map<String, Object> arguments) {
    try {
      run(
          "queue '" + queue + "'",
          ch -> ch.queueDeclare(queue, true, false, false, arguments.isEmpty() ? null : arguments));
      if ("quorum".equals(arguments.get(QueueSpec.QUEUE_TYPE))) {
        quorum.add(queue);
      }
    } catch (BrokerException e) {
      String text = Amqp.replyText(e);
      if (Amqp.replyCode(e) != Amqp.PRECONDITION_FAILED || !text.contains("inequivalent arg 'x-")) {
        throw e; // a durability mismatch would lose tasks: the user must decide
      }
      run("queue '" + queue + "'", ch -> ch.queueDeclarePassive(queue));
      Matcher current = CURRENT_TYPE.matcher(text);
      String type =
          current.find()
              ? current.group(1)
              : String.valueOf(arguments.getOrDefault(QueueSpec.QUEUE_TYPE, "classic"));
      if (type.equals("quorum")) {
        quorum.add(queue);
      } else {
        quorum.remove(queue);
      }
      AmqpBroker.LOG.warn(
          "queue '{}' already exists with other arguments ({}); using it as it is ({} queue):"
              + " set task_queues.{}.queue_arguments to match it to silence this",
          queue,
          text,
          type.equals("none") ? "classic" : type,
          queue);
    }
  }

  /** Declares an exchange; when it exists with another type or flags, uses it as it is. */
  void declareExchangeOrAttach(String exchange, String type) {
    if (declared.contains("x:" + exchange)) {
      return;
    }
    try {
      run("exchange '" + exchange + "'", ch -> ch.exchangeDeclare(exchange, type, true));
    } catch (BrokerException e) {
      if (Amqp.replyCode(e) != Amqp.PRECONDITION_FAILED
          || !Amqp.replyText(e).contains("inequivalent arg 'type'")) {
        throw e;
      }
      run("exchange '" + exchange + "'", ch -> ch.exchangeDeclarePassive(exchange));
      AmqpBroker.LOG.warn(
          "exchange '{}' already exists with another type or flags ({}); using it as it is",
          exchange,
          Amqp.replyText(e));
    }
    declared.add("x:" + exchange);
  }

  /** A plain durable queue with no exchange of its own (dead letters), of its source's type. */
  void declareDurable(String queue, boolean asQuorum, Map<String, Object> extra) {
    if (declared.add("d:" + queue)) {
      try {
        Map<String, Object> arguments = new java.util.LinkedHashMap<>(extra);
        if (asQuorum) {
          arguments.put(QueueSpec.QUEUE_TYPE, "quorum");
        }
        declareQueue(queue, arguments);
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
