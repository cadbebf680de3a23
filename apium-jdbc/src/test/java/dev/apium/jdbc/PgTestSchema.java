package dev.apium.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** A throw-away PostgreSQL schema in database {@code test} for one test class. */
final class PgTestSchema {
  static final String URL = "postgresql://postgres@127.0.0.1:5432/test";
  static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";

  private PgTestSchema() {}

  static String fresh(String label) {
    return ("apium_it_" + label + "_" + UUID.randomUUID().toString().substring(0, 8))
        .toLowerCase(Locale.ROOT);
  }

  static void sql(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "");
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  static void drop(String schema) throws SQLException {
    sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
}
