package dev.apium.amqp;

import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import dev.apium.spi.TransportFactory;
import dev.apium.spi.Transports;
import java.util.Set;

/**
 * Creates {@link AmqpBroker}s for {@code amqp://}, {@code amqps://} and {@code pyamqp://} URLs and
 * the {@link RpcResultBackend} for {@code rpc://}, which talks to the RabbitMQ named by the {@code
 * broker_url} setting, as Celery's does. Stateless; found through {@link java.util.ServiceLoader}.
 */
public final class AmqpTransportFactory implements TransportFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps", "pyamqp", "rpc");
  }

  @Override
  public Broker createBroker(String url, Settings config) {
    if (Transports.scheme(url).equals("rpc")) {
      throw new IllegalArgumentException(
          "'" + url + "' is a result backend, not a broker: use amqp://host:5672// as broker_url");
    }
    return new AmqpBroker(url, config);
  }

  @Override
  public ResultBackend createBackend(String url, Settings config) {
    if (!Transports.scheme(url).equals("rpc")) {
      throw new IllegalArgumentException(
          "'"
              + Transports.mask(url)
              + "' names no result backend: use rpc:// (results over the amqp:// broker) or"
              + " redis://");
    }
    String broker = config.get(Settings.BROKER_URL);
    if (broker == null || !Set.of("amqp", "amqps", "pyamqp").contains(Transports.scheme(broker))) {
      throw new IllegalArgumentException(
          "the rpc:// result backend sends results over RabbitMQ, but broker_url is '"
              + Transports.mask(broker)
              + "': set broker_url to amqp://... or choose another result_backend");
    }
    return new RpcResultBackend(broker, config);
  }
}
