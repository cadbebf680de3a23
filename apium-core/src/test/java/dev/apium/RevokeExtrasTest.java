package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.Stamps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker-side pieces of Celery 5.3–5.6's revoke changes, on memory://: REVOKED stored when the
 * broadcast arrives (unless the task is already ready, or the 5.2.6 behaviour is asked for), and
 * {@code revoke_by_stamped_headers} matching a message's stamps.
 */
class RevokeExtrasTest {
  @Test
  void revokeStoresRevokedAtOnceButKeepsAReadyState() {
    try (Apium app = TestApps.memory()) {
      app.backend().store(ResultMeta.success("done-1", CeleryJson.toTree(1), Instant.now()));
      int stored = new RevokeOnReceipt(app).revoked(List.of("waiting-1", "done-1"));
      assertThat(stored).isEqualTo(1);
      ResultMeta meta = app.backend().get("waiting-1").orElseThrow();
      assertThat(meta.status()).isEqualTo("REVOKED");
      assertThat(meta.result().toString())
          .isEqualTo(
              "{\"exc_type\":\"TaskRevokedError\",\"exc_message\":[\"revoked\"],"
                  + "\"exc_module\":\"celery.exceptions\"}");
      assertThat(meta.dateDone()).endsWith("+00:00");
      assertThat(app.backend().get("done-1").orElseThrow().status()).isEqualTo("SUCCESS");
    }
  }

  @Test
  void celery526BehaviourOnRequest() {
    try (Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker("memory://revoke-526")
            .backend("memory://revoke-526")
            .config(RevokeOnReceipt.SETTING, "false")
            .build()) {
      assertThat(new RevokeOnReceipt(app).revoked(List.of("waiting-2"))).isZero();
      assertThat(app.backend().get("waiting-2")).isEmpty();
    }
  }

  @Test
  void stampedHeadersRevokeMatchingMessagesOnly() {
    StampRevocations revocations = new StampRevocations();
    assertThat(revocations.matches(Stamps.headers(Map.of("tenant", "acme"), 0))).isFalse();
    JsonNode headers =
        revocations.command(
            CeleryJson.parse(
                "{\"headers\": {\"tenant\": [\"acme\", \"zeta\"]}, \"terminate\": false}"));
    assertThat(StampRevocations.reply(headers, false, Map.of()))
        .isEqualTo("headers {'tenant': ['acme', 'zeta']} flagged as revoked, but not terminated");
    assertThat(revocations.matches(Stamps.headers(Map.of("tenant", "acme"), 0))).isTrue();
    assertThat(revocations.matches(Stamps.headers(Map.of("tenant", "other"), 0))).isFalse();
    assertThat(revocations.matches(Stamps.headers(Map.of("batch", "acme"), 0))).isFalse();
    assertThat(revocations.matches(Map.of("tenant", "acme"))).isFalse(); // not a stamp
  }

  @Test
  void celerysListFormAndTerminateReplies() {
    StampRevocations revocations = new StampRevocations();
    JsonNode headers =
        revocations.command(CeleryJson.parse("{\"headers\": [\"tenant=acme\", \"batch=7\"]}"));
    assertThat(headers.toString()).isEqualTo("{\"tenant\":\"acme\",\"batch\":\"7\"}");
    assertThat(revocations.matches(Stamps.headers(Map.of("batch", "7"), 0))).isTrue();
    Map<String, Object> stamps = new java.util.LinkedHashMap<>();
    stamps.put("tenant", List.of("zeta", "acme"));
    stamps.put("other", "x");
    Map<String, java.util.Set<Object>> hit =
        StampRevocations.matching(headers, Stamps.headers(stamps, 0));
    assertThat(hit).containsOnlyKeys("tenant");
    assertThat(hit.get("tenant")).containsExactly("acme");
    assertThat(StampRevocations.matching(headers, Stamps.headers(Map.of("tenant", "x"), 0)))
        .isEmpty();
    assertThat(StampRevocations.reply(headers, true, Map.of()))
        .isEqualTo("headers {'tenant': 'acme', 'batch': '7'} were not terminated");
    assertThat(StampRevocations.reply(headers, true, hit))
        .isEqualTo("headers defaultdict(<class 'set'>, {'tenant': {'acme'}}) revoked");
    assertThatThrownBy(() -> revocations.command(CeleryJson.parse("{\"headers\": [\"tenant\"]}")))
        .hasMessageContaining("not name=value");
  }
}
