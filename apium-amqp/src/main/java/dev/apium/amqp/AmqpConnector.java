package dev.apium.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Settings;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Opens RabbitMQ connections for one URL with automatic connection, channel, topology and consumer
 * recovery, and turns the failures a user can cause (broker down, wrong password, missing vhost)
 * into a one-line {@link BrokerException}; its connections share one {@link AmqpOutageLog}. Called
 * by whichever thread first needs a connection. Closing the connections is the caller's job.
 */
final class AmqpConnector {
  private final AmqpUrl url;
  private final ConnectionFactory factory = new ConnectionFactory();
  private final AmqpOutageLog outages;

  AmqpConnector(AmqpUrl url) {
    this(url, Settings.of(Map.of()));
  }

  AmqpConnector(AmqpUrl url, Settings config) {
    this.url = url;
    this.outages = new AmqpOutageLog(url.address());
    factory.setHost(url.host());
    factory.setPort(url.port());
    factory.setUsername(url.user());
    factory.setPassword(url.password());
    factory.setVirtualHost(url.vhost());
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setTopologyRecoveryFilter(new LiveChannelsOnly());
    factory.setNetworkRecoveryInterval(1000);
    factory.setConnectionTimeout(5000);
    factory.setRequestedHeartbeat(30);
    factory.setExceptionHandler(new QuietWhenClosing());
    if (url.tls()) {
      factory.useSslProtocol(AmqpTls.context(config));
      factory.enableHostnameVerification();
    }
  }

  /**
   * amqp-client's default handler, except that the read error of a connection this process is
   * already closing (a stop that aborts its connections while RabbitMQ hangs) is not reported as an
   * unexpected error: it is the abort itself. Called on the connection's own thread.
   */
  private static final class QuietWhenClosing extends ForgivingExceptionHandler {
    @Override
    public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
      if (!conn.isOpen()) {
        AmqpBroker.LOG.debug("connection closed under its reader: {}", exception.getMessage());
        return;
      }
      super.handleUnexpectedConnectionDriverException(conn, exception);
    }
  }

  /**
   * Recovers only what was declared on channels still in use (consumers, their private queues and
   * bindings). Declarations made on the throwaway channels of {@link Topology} are of durable
   * objects, or are redone because its cache is cleared on recovery.
   */
  private static final class LiveChannelsOnly implements TopologyRecoveryFilter {
    @Override
    public boolean filterExchange(RecordedExchange recorded) {
      return recorded.getChannel().isOpen();
    }

    @Override
    public boolean filterQueue(RecordedQueue recorded) {
      return recorded.getChannel().isOpen();
    }

    @Override
    public boolean filterBinding(RecordedBinding recorded) {
      return recorded.getChannel().isOpen();
    }
  }

  AmqpUrl url() {
    return url;
  }

  /** A new recovering connection; {@code purpose} names it in the RabbitMQ management UI. */
  Connection open(String purpose) {
    try {
      Connection connection = factory.newConnection(url.addresses(), "apium " + purpose);
      outages.watch(connection);
      return connection;
    } catch (PossibleAuthenticationFailureException e) {
      throw new BrokerException(
          "RabbitMQ refused user '"
              + url.user()
              + "' on vhost '"
              + url.vhost()
              + "': check broker_url credentials",
          e);
    } catch (IOException e) {
      throw translate(e);
    } catch (TimeoutException e) {
      throw unreachable("no answer within 5 s", e);
    }
  }

  private BrokerException translate(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException tls) {
        return new BrokerException(
            "TLS handshake with RabbitMQ at "
                + url.address()
                + " failed ("
                + tls.getMessage()
                + "): trust the server's CA certificate with broker_ssl_ca_certs or"
                + " javax.net.ssl.trustStore, and check broker_url",
            e);
      }
    }
    if (e.getCause() instanceof ShutdownSignalException signal) {
      String text = String.valueOf(signal.getMessage());
      if (text.contains("vhost")
          || text.contains("ACCESS_REFUSED")
          || text.contains("NOT_ALLOWED")) {
        return new BrokerException(
            "RabbitMQ refused user '"
                + url.user()
                + "' on vhost '"
                + url.vhost()
                + "' ("
                + Amqp.replyText(signal)
                + "): create the vhost or grant permissions (rabbitmqctl set_permissions), or"
                + " check broker_url",
            e);
      }
    }
    return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
  }

  private BrokerException unreachable(String why, Exception e) {
    return new BrokerException(
        "cannot connect to RabbitMQ at "
            + url.address()
            + ": "
            + why
            + ": is rabbitmq-server running? check broker_url",
        e);
  }
}
