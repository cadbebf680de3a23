package dev.apium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import dev.apium.memory.MemoryBroker;
import dev.apium.memory.MemoryResultBackend;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Transports;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the memory transport promises beyond the contract: URL sharing, dead letters, expiry. */
class MemoryTransportTest {
  private final String url = "memory://transport-" + UUID.randomUUID();
  private final ApiumConfig config = ApiumConfig.of(Map.of());

  private static WireMessage message(String id) {
    return WireMessage.json(Map.of("id", id), Map.of(), "[]".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void brokersFromTheSameUrlShareQueuesAndOthersDoNot() {
    try (Broker client = Transports.broker(url, config);
        Broker worker = Transports.broker(url + "/", config);
        Broker stranger = Transports.broker(url + "-other", config)) {
      assertThat(client).isInstanceOf(MemoryBroker.class);
      client.publish("celery", message("shared"));
      assertThat(worker.size("celery")).isEqualTo(1);
      assertThat(stranger.size("celery")).isZero();
      assertThat(worker.describe()).isEqualTo(url);
    }
  }

  @Test
  void deadLettersAreKeptWithTheirReason() {
    MemoryBroker broker = (MemoryBroker) Transports.broker(url, config);
    try (broker) {
      broker.publish("q", message("bad"));
      Inbox<Delivery> inbox = new Inbox<>(Duration.ofSeconds(5));
      broker.consume(List.of("q"), 1, inbox);
      inbox.take().deadLetter("body is not valid JSON");
      assertThat(broker.deadLetters("q"))
          .singleElement()
          .satisfies(
              letter -> {
                assertThat(letter.message().header("id")).isEqualTo("bad");
                assertThat(letter.reason()).isEqualTo("body is not valid JSON");
              });
    }
  }

  @Test
  void aFailingHandlerDeadLettersTheMessageAndKeepsConsuming() {
    MemoryBroker broker = (MemoryBroker) Transports.broker(url, config);
    try (broker) {
      broker.publish("q", message("explodes"));
      broker.publish("q", message("fine"));
      Inbox<Delivery> inbox = new Inbox<>(Duration.ofSeconds(5));
      broker.consume(
          List.of("q"),
          1,
          delivery -> {
            if ("explodes".equals(delivery.message().header("id"))) {
              throw new IllegalStateException("handler bug");
            }
            inbox.accept(delivery);
          });
      assertThat(inbox.take().message().header("id")).isEqualTo("fine");
      assertThat(broker.deadLetters("q"))
          .singleElement()
          .extracting(l -> l.reason())
          .asString()
          .contains("handler bug");
    }
  }

  @Test
  void unroutableMessagesAreKeptUnderTheExchange() {
    MemoryBroker broker = (MemoryBroker) Transports.broker(url, config);
    try (broker) {
      broker.publish("nowhere", "key", message("lost"));
      assertThat(broker.deadLetters("nowhere"))
          .singleElement()
          .extracting(l -> l.reason())
          .asString()
          .contains("no queue bound to exchange 'nowhere'");
    }
  }

  @Test
  void declaredQueuesAreBoundToTheirOwnDirectExchange() {
    try (Broker broker = Transports.broker(url, config)) {
      broker.declareQueue("images");
      broker.publish("images", "images", message("routed"));
      assertThat(broker.size("images")).isEqualTo(1);
    }
  }

  @Test
  void aClosedBrokerRefusesWork() {
    Broker broker = Transports.broker(url, config);
    broker.close();
    assertThatThrownBy(() -> broker.publish("q", message("late")))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining(url);
  }

  @Test
  void backendsFromTheSameUrlShareResultsAndWaiters() throws Exception {
    try (ResultBackend client = Transports.backend(url, config);
        ResultBackend worker = Transports.backend(url, config)) {
      CompletableFuture<ResultMeta> waiting = client.awaitReady("t1");
      worker.store(ResultMeta.success("t1", CeleryJson.toTree(7), Instant.now()));
      assertThat(waiting.get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(7);
    }
  }

  @Test
  void closingABackendFailsItsPendingWaits() {
    ResultBackend backend = Transports.backend(url, config);
    CompletableFuture<ResultMeta> waiting = backend.awaitReady("never");
    backend.close();
    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void resultsGroupsAndRevokesExpireOnTheClock() {
    MovableClock clock = new MovableClock();
    ResultBackend backend =
        new MemoryResultBackend("expiry-" + UUID.randomUUID(), Duration.ofSeconds(60), clock);
    backend.store(ResultMeta.success("t", CeleryJson.toTree(1), clock.instant()));
    backend.saveGroup("g", CeleryJson.array());
    backend.markRevoked("r", Duration.ofSeconds(120));
    clock.now = clock.now.plusSeconds(59);
    assertThat(backend.get("t")).isPresent();
    assertThat(backend.restoreGroup("g")).isPresent();
    clock.now = clock.now.plusSeconds(2);
    assertThat(backend.get("t")).isEmpty();
    assertThat(backend.restoreGroup("g")).isEmpty();
    assertThat(backend.revokedIds()).containsExactly("r");
    clock.now = clock.now.plusSeconds(60);
    assertThat(backend.revokedIds()).isEmpty();
  }

  @Test
  void resultExpiresOfZeroKeepsResults() {
    ApiumConfig never = config.with(ApiumConfig.RESULT_EXPIRES, "0");
    try (ResultBackend backend = Transports.backend(url, never)) {
      backend.store(ResultMeta.success("kept", CeleryJson.toTree(1), Instant.now()));
      assertThat(backend.get("kept")).isPresent();
    }
  }

  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-24T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
