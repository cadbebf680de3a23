package dev.apium.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.apium.spi.BrokerException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Two small bounded HikariCP pools to one PostgreSQL database, half of {@code jdbc_pool_size}
 * (default 4) each: one for durable writes (publishes, results), one whose sessions run with {@code
 * synchronous_commit} off for claims and acks, whose loss in a crash only causes a redelivery. Plus
 * dedicated connections for LISTEN loops. Thread-safe; {@link #close()} closes both pools.
 */
final class PostgresDatabase extends Database {
  private final HikariDataSource pool;
  private final HikariDataSource relaxedPool;

  PostgresDatabase(JdbcLocation location) {
    super(location);
    pool = pool("apium-pg", null);
    try {
      relaxedPool = pool("apium-pg-relaxed", "SET synchronous_commit TO OFF");
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private HikariDataSource pool(String name, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(location.jdbcUrl());
    config.setUsername(location.user());
    config.setPassword(location.password());
    config.setMaximumPoolSize(Math.max(2, location.poolSize() / 2));
    config.setMinimumIdle(1);
    config.setConnectionTimeout(5_000);
    config.setPoolName(name);
    config.setConnectionInitSql(initSql);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  private BrokerException unreachable(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return new BrokerException(
        "cannot connect to PostgreSQL at "
            + describe()
            + ": "
            + cause.getMessage()
            + ": is the server running and the user allowed? check broker_url",
        e);
  }

  @Override
  <T> T call(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  <T> T transaction(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return inTransaction(c, work);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  <T> T relaxed(Work<T> work) {
    try (Connection c = relaxedPool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  Connection openDedicated() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", location.user());
    if (location.password() != null) {
      props.setProperty("password", location.password());
    }
    return DriverManager.getConnection(location.jdbcUrl(), props);
  }

  @Override
  public void close() {
    relaxedPool.close();
    pool.close();
  }
}
