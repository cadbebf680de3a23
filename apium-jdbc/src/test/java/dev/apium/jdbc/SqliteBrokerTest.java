package dev.apium.jdbc;

import dev.apium.ApiumConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The broker scenarios on a fresh SQLite file per test. */
class SqliteBrokerTest extends BrokerScenarios {
  @TempDir Path dir;

  @Override
  String url() {
    return "sqlite:" + dir.resolve("sub/apium.db");
  }

  @Override
  Map<String, String> settings() {
    return Map.of();
  }

  @Override
  List<String> deadReasons() throws Exception {
    List<String> reasons = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sub/apium.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT dead_reason FROM apium_messages WHERE state = 'dead'")) {
      while (rs.next()) {
        reasons.add(rs.getString(1));
      }
    }
    return reasons;
  }

  static ApiumConfig config() {
    return ApiumConfig.of(Map.of());
  }
}
