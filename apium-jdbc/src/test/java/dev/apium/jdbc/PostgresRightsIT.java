package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import dev.apium.spi.BrokerException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user without CREATE rights gets one line naming the table, database, user and fix. */
class PostgresRightsIT {
  private static final String SCHEMA = PgTestSchema.fresh("rights");
  private static final String ROLE = SCHEMA + "_user";

  @BeforeAll
  static void createRoleWithoutRights() throws Exception {
    PgTestSchema.sql(
        "CREATE ROLE " + ROLE + " LOGIN",
        "CREATE SCHEMA " + SCHEMA,
        "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + ROLE);
  }

  @AfterAll
  static void dropRole() throws Exception {
    PgTestSchema.drop(SCHEMA);
    PgTestSchema.sql("DROP ROLE IF EXISTS " + ROLE);
  }

  private static String url() {
    return "postgresql://" + ROLE + "@127.0.0.1:5432/test";
  }

  @Test
  void missingCreateOnTheSchemaNamesTableUserAndGrant() {
    ApiumConfig config = ApiumConfig.of(Map.of("jdbc_schema", SCHEMA));
    assertThatThrownBy(() -> new JdbcTransportFactory().createBroker(url(), config))
        .isInstanceOf(BrokerException.class)
        .hasMessageStartingWith(
            "cannot create table apium_schema in schema "
                + SCHEMA
                + " of database test as user "
                + ROLE
                + ": GRANT CREATE ON SCHEMA "
                + SCHEMA
                + " TO "
                + ROLE);
  }

  @Test
  void missingCreateOnTheDatabaseNamesSchemaUserAndGrant() {
    String absent = SCHEMA + "_absent";
    ApiumConfig config = ApiumConfig.of(Map.of("jdbc_schema", absent));
    assertThatThrownBy(() -> new JdbcTransportFactory().createBackend(url(), config))
        .isInstanceOf(BrokerException.class)
        .hasMessageStartingWith(
            "cannot create schema "
                + absent
                + " in database test as user "
                + ROLE
                + ": GRANT CREATE ON DATABASE test TO "
                + ROLE);
  }
}
