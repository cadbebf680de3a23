package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import dev.apium.spi.Broker;
import dev.apium.spi.Transports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URL parsing for both databases, and the ServiceLoader lookup by scheme. */
class JdbcLocationTest {
  private static final ApiumConfig NONE = ApiumConfig.of(Map.of());

  @Test
  void sqlitePathsAreMadeAbsoluteWithHomeExpandedAndParentsCreated(@TempDir Path dir) {
    JdbcLocation nested = JdbcLocation.parse("sqlite:" + dir + "/a/b/x.db", NONE);
    assertThat(nested.jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir + "/a/b/x.db");
    assertThat(Files.isDirectory(dir.resolve("a/b"))).isTrue();
    assertThat(JdbcLocation.parse("sqlite://" + dir + "/y.db", NONE).database())
        .isEqualTo(dir + "/y.db");
    String home = System.getProperty("user.home");
    assertThat(JdbcLocation.parse("sqlite:~/.apium-test-loc/z.db", NONE).database())
        .isEqualTo(Path.of(home, ".apium-test-loc/z.db").toString());
    assertThat(JdbcLocation.parse("sqlite:./rel.db", NONE).database())
        .isEqualTo(Path.of("rel.db").toAbsolutePath().toString());
    assertThatThrownBy(() -> JdbcLocation.parse("sqlite:", NONE))
        .hasMessageContaining("names no file");
  }

  @Test
  void postgresUrlsInAllThreeSpellings() {
    JdbcLocation pg =
        JdbcLocation.parse(
            "postgresql://bob:s%40cret@db.example:6543/tasks?sslmode=require&schema=jobs", NONE);
    assertThat(pg.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example:6543/tasks?sslmode=require&socketTimeout=20");
    assertThat(pg.user()).isEqualTo("bob");
    assertThat(pg.password()).isEqualTo("s@cret");
    assertThat(pg.schema()).isEqualTo("jobs");
    assertThat(pg.table("messages")).isEqualTo("\"jobs\".apium_messages");
    assertThat(pg.display()).doesNotContain("s@cret");
    JdbcLocation short_ = JdbcLocation.parse("postgres://localhost/test", NONE);
    assertThat(short_.jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:5432/test?socketTimeout=20");
    assertThat(short_.user()).isEqualTo("postgres");
    JdbcLocation jdbc =
        JdbcLocation.parse(
            "jdbc:postgresql://127.0.0.1/test?user=al&password=pw",
            ApiumConfig.of(Map.of("jdbc_schema", "s1", "jdbc_table_prefix", "x_")));
    assertThat(jdbc.user()).isEqualTo("al");
    assertThat(jdbc.password()).isEqualTo("pw");
    assertThat(jdbc.table("results")).isEqualTo("\"s1\".x_results");
    assertThat(jdbc.channel("results")).isEqualTo("s1_x_results");
    assertThatThrownBy(
            () ->
                JdbcLocation.parse(
                    "postgresql://h/db", ApiumConfig.of(Map.of("jdbc_schema", "a;drop"))))
        .hasMessageContaining("jdbc_schema='a;drop' is not a plain SQL name");
  }

  @Test
  void aQueryWaitsForTheServerAtMostTheSocketTimeoutUnlessTheUrlSaysOtherwise() {
    assertThat(
            JdbcLocation.parse(
                    "postgresql://h/db", ApiumConfig.of(Map.of("jdbc_socket_timeout", "3")))
                .jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/db?socketTimeout=3");
    assertThat(
            JdbcLocation.parse(
                    "postgresql://h/db", ApiumConfig.of(Map.of("jdbc_socket_timeout", "0")))
                .jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/db");
    assertThat(
            JdbcLocation.parse(
                    "postgresql://h/db?socketTimeout=60",
                    ApiumConfig.of(Map.of("jdbc_socket_timeout", "3")))
                .jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:5432/db?socketTimeout=60");
  }

  @Test
  void aRawSlashOrAtInThePasswordIsRefusedWithoutShowingIt() {
    for (String url :
        new String[] {
          "postgresql://app:s3/cr3t@db.example:5432/orders",
          "postgresql://app:s3cr@t@db.example/orders",
          "jdbc:postgresql://app:s3?cr3t@db.example/orders"
        }) {
      assertThatThrownBy(() -> JdbcLocation.parse(url, NONE))
          .as(url)
          .hasMessageContaining("percent-encode")
          .hasMessageNotContaining("s3")
          .hasMessageNotContaining("cr3t");
    }
  }

  @Test
  void transportsFindsTheFactoryByScheme(@TempDir Path dir) {
    try (Broker broker = Transports.broker("sqlite:" + dir.resolve("t.db"), NONE)) {
      assertThat(broker.describe()).isEqualTo("sqlite:" + dir.resolve("t.db"));
    }
  }
}
