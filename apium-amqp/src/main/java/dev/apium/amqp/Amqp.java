package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Reads the reply code and text out of the exceptions amqp-client throws when RabbitMQ closes a
 * channel or connection ({@code 406 PRECONDITION_FAILED - inequivalent arg ...}). Stateless.
 */
final class Amqp {
  static final int NOT_FOUND = 404;
  static final int PRECONDITION_FAILED = 406;

  private Amqp() {}

  /** The shutdown signal somewhere in the cause chain, or null. */
  static ShutdownSignalException signal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException signal) {
        return signal;
      }
    }
    return null;
  }

  /** The AMQP reply code of the close that caused {@code error}, or 0. */
  static int replyCode(Throwable error) {
    ShutdownSignalException signal = signal(error);
    if (signal == null) {
      return 0;
    }
    Object reason = signal.getReason();
    if (reason instanceof AMQP.Channel.Close close) {
      return close.getReplyCode();
    }
    if (reason instanceof AMQP.Connection.Close close) {
      return close.getReplyCode();
    }
    return 0;
  }

  /** The server's reply text ({@code PRECONDITION_FAILED - ...}), or the exception message. */
  static String replyText(Throwable error) {
    ShutdownSignalException signal = signal(error);
    if (signal != null) {
      Object reason = signal.getReason();
      if (reason instanceof AMQP.Channel.Close close) {
        return close.getReplyText();
      }
      if (reason instanceof AMQP.Connection.Close close) {
        return close.getReplyText();
      }
    }
    String message = error.getMessage();
    return message == null ? error.getClass().getSimpleName() : message;
  }
}
