package dev.apium.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The broker scenarios on PostgreSQL, in a schema of its own dropped afterwards. */
class PostgresBrokerIT extends BrokerScenarios {
  private static final String SCHEMA = PgTestSchema.fresh("broker");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Override
  String url() {
    return PgTestSchema.URL;
  }

  @Override
  Map<String, String> settings() {
    return Map.of("jdbc_schema", SCHEMA);
  }

  @Override
  List<String> deadReasons() throws Exception {
    List<String> reasons = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(PgTestSchema.JDBC, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT dead_reason FROM " + SCHEMA + ".apium_messages WHERE state = 'dead'")) {
      while (rs.next()) {
        reasons.add(rs.getString(1));
      }
    }
    return reasons;
  }
}
