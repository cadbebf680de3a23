package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.spi.Broker;
import dev.apium.spi.Delivery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void consumerSurvivesTheLossOfItsListenConnection() throws Exception {
    Broker broker = broker();
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("relisten"), 5, got::add);
    broker.publish("relisten", Messages.task("before"));
    assertThat(got.poll(10, TimeUnit.SECONDS)).isNotNull();
    long killed =
        PgTestSchema.count(
            "WITH mine AS MATERIALIZED (SELECT pid FROM pg_stat_activity"
                + " WHERE application_name = 'apium-listen:"
                + SCHEMA
                + "_apium_')"
                + " SELECT COUNT(*) FROM mine WHERE pg_terminate_backend(pid)");
    assertThat(killed).as("LISTEN connections terminated").isEqualTo(1);
    broker.publish("relisten", Messages.task("during"));
    Delivery during = got.poll(10, TimeUnit.SECONDS);
    assertThat(during).isNotNull();
    assertThat(Messages.id(during.message())).isEqualTo("during");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                PgTestSchema.count(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name ="
                            + " 'apium-listen:"
                            + SCHEMA
                            + "_apium_'")
                    == 1);
    broker.publish("relisten", Messages.task("after"));
    Delivery after = got.poll(10, TimeUnit.SECONDS);
    assertThat(after).isNotNull();
    assertThat(Messages.id(after.message())).isEqualTo("after");
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
