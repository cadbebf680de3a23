package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.spi.Broker;
import dev.apium.spi.Delivery;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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

  @Test
  void malformedRowIsDeadLetteredAndTheConsumerGoesOn() throws Exception {
    Broker broker = broker();
    broker.publish("mal", Messages.task("broken"));
    broker.publish("mal", Messages.task("fine"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sub/apium.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE apium_messages SET headers = '{not json' WHERE headers LIKE '%broken%'");
    }
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("mal"), 2, got::add);
    Delivery fine = got.poll(10, TimeUnit.SECONDS);
    assertThat(fine).isNotNull();
    assertThat(Messages.id(fine.message())).isEqualTo("fine");
    assertThat(deadReasons()).singleElement().asString().startsWith("malformed message:");
  }

  @Test
  void handlerThatThrowsGetsOneRequeueThenDeadLetters() throws Exception {
    Broker broker = broker();
    broker.publish("boom", Messages.task("b"));
    AtomicInteger calls = new AtomicInteger();
    broker.consume(
        List.of("boom"),
        1,
        d -> {
          calls.incrementAndGet();
          throw new IllegalStateException("bug in handler");
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> deadReasons().size() == 1);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(deadReasons().get(0)).contains("bug in handler");
  }
}
