package dev.apium.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events to open pages: at most one {@code change} event per tick (500 ms) when the
 * fleet state changed, and one every few seconds regardless so heartbeat ages move. However many
 * events arrive, a page gets at most two updates a second and then fetches only what it shows, so
 * load never floods the browser. Clients register from HTTP threads; one scheduler thread sends.
 */
final class LiveUpdates implements AutoCloseable {
  private static final long TICK_MILLIS = 500;
  private static final int QUIET_TICKS = 4;

  private final FleetState state;
  private final List<SseClient> clients = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "apium-dashboard-sse");
            t.setDaemon(true);
            return t;
          });
  private long sentVersion = -1;
  private int quiet;

  LiveUpdates(FleetState state) {
    this.state = state;
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  void add(SseClient client) {
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    clients.add(client);
    client.sendEvent("change", summary());
  }

  int clients() {
    return clients.size();
  }

  private void tick() {
    try {
      long version = state.version();
      if (version == sentVersion && ++quiet < QUIET_TICKS) {
        return;
      }
      quiet = 0;
      sentVersion = version;
      if (clients.isEmpty()) {
        return;
      }
      String data = summary();
      for (SseClient c : clients) {
        if (c.terminated()) {
          clients.remove(c);
        } else {
          c.sendEvent("change", data);
        }
      }
    } catch (RuntimeException e) {
      // a client that went away mid-send: dropped on its onClose; the next tick goes on
    }
  }

  private String summary() {
    double now = System.currentTimeMillis() / 1000.0;
    ObjectNode s = state.stats(now, 1);
    s.remove("succeeded");
    s.remove("failed");
    s.put("version", state.version());
    return CeleryJson.write(s);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (SseClient c : clients) {
      c.close();
    }
    clients.clear();
  }
}
