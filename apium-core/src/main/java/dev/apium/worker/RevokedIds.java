package dev.apium.worker;

import dev.apium.Apium;
import dev.apium.StampRevocations;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids this worker must not run: loaded from the result backend at start (so a restart does not
 * forget a revoke, unlike Celery) and extended by revokes received while running. Read by transport
 * and pool threads; thread-safe.
 */
final class RevokedIds {
  private static final Logger log = LoggerFactory.getLogger(RevokedIds.class);
  private static final Duration KEEP = Duration.ofHours(3);
  private final Apium app;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  private final StampRevocations stamps = new StampRevocations();

  RevokedIds(Apium app) {
    this.app = app;
  }

  void load() {
    try {
      ids.addAll(app.backend().revokedIds());
      if (!ids.isEmpty()) {
        log.info("Loaded {} revoked task id(s) from {}", ids.size(), app.backend().describe());
      }
    } catch (RuntimeException e) {
      log.warn("Could not load revoked ids from the result backend: {}", e.getMessage());
    }
  }

  boolean contains(String id) {
    return ids.contains(id);
  }

  /** Whether a task must not run: its id was revoked, or one of its stamps was. */
  boolean refuses(String id, java.util.Map<String, Object> headers) {
    return ids.contains(id) || stamps.matches(headers);
  }

  /** The stamps revoked by {@code revoke_by_stamped_headers} (Celery 5.3+). */
  StampRevocations stamps() {
    return stamps;
  }

  /** Revokes locally and persists it so every worker, now or later, refuses it. */
  void revoke(String id, boolean persist) {
    ids.add(id);
    if (persist) {
      app.backend().markRevoked(id, KEEP);
    }
  }

  Set<String> snapshot() {
    return Set.copyOf(ids);
  }
}
