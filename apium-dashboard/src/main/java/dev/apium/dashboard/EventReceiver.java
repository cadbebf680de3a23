package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.Subscription;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives every worker's Celery events from the broker's {@code celeryev} fanout (Redis pub/sub or
 * the AMQP topic exchange, whatever the app's broker is) and folds them into a {@link FleetState};
 * on start it asks every worker for a heartbeat, as Celery's receiver does, so workers show at
 * once. Events arrive on the transport's thread; {@link #close()} from any.
 */
final class EventReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventReceiver.class);
  private final Subscription subscription;

  EventReceiver(Apium app, FleetState state) {
    subscription =
        app.broker()
            .subscribeFanout(
                "celeryev",
                "#",
                message -> {
                  try {
                    JsonNode body = CeleryJson.parse(message.bodyText());
                    for (JsonNode event : body.isArray() ? body : List.of(body)) {
                      state.apply(event);
                    }
                  } catch (RuntimeException e) {
                    log.warn("dashboard: skipped an event it could not read: {}", e.toString());
                  }
                });
    app.control().cast("heartbeat", Map.of(), null);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
