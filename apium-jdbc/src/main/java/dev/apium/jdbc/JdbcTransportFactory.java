package dev.apium.jdbc;

import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import dev.apium.spi.TransportFactory;
import java.time.Clock;
import java.util.Set;

/**
 * Creates SQLite ({@code sqlite:<path>}) and PostgreSQL ({@code postgresql://}, {@code
 * postgres://}, {@code jdbc:postgresql://}) brokers and result backends; each opens its own
 * connections and creates the tables on first use. Found through {@link java.util.ServiceLoader};
 * stateless.
 */
public final class JdbcTransportFactory implements TransportFactory {

  @Override
  public Set<String> schemes() {
    return Set.of("sqlite", "postgresql", "postgres", "jdbc");
  }

  @Override
  public Broker createBroker(String url, Settings config) {
    return new JdbcBroker(
        Database.open(JdbcLocation.parse(url, config)), config, Clock.systemUTC());
  }

  @Override
  public ResultBackend createBackend(String url, Settings config) {
    return new JdbcResultBackend(
        Database.open(JdbcLocation.parse(url, config)), config, Clock.systemUTC());
  }
}
