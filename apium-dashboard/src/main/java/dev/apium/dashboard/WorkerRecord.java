package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;

/**
 * One worker as seen through its {@code worker-*} events (Python or Java alike): software, pid,
 * heartbeat frequency, active and processed counts, load, last heartbeat, online or gone. Owned by
 * {@link FleetState}, which changes and reads it under its own lock.
 */
final class WorkerRecord {
  final String hostname;
  String swIdent;
  String swVer;
  String swSys;
  long pid;
  double freq = 2.0;
  int active;
  long processed;
  String loadavg;
  double lastHeartbeat;
  boolean offline;
  long succeeded;
  long failed;

  WorkerRecord(String hostname) {
    this.hostname = hostname;
  }

  void apply(String type, JsonNode e) {
    lastHeartbeat = Math.max(lastHeartbeat, e.path("timestamp").asDouble());
    offline = type.equals("worker-offline");
    if (e.hasNonNull("sw_ident")) {
      swIdent = e.path("sw_ident").asText();
      swVer = e.path("sw_ver").asText();
      swSys = e.path("sw_sys").asText();
    }
    if (e.has("pid")) {
      pid = e.path("pid").asLong();
    }
    if (e.has("freq")) {
      freq = e.path("freq").asDouble(2.0);
    }
    if (e.has("active")) {
      active = e.path("active").asInt();
    }
    if (e.has("processed")) {
      processed = e.path("processed").asLong();
    }
    if (e.has("loadavg")) {
      loadavg = e.get("loadavg").toString();
    }
  }

  /** Seen lately: as Celery's state, a worker is alive until 2 heartbeats plus slack are missed. */
  boolean online(double now) {
    return !offline && now - lastHeartbeat < Math.max(freq, 1.0) * 2 + 2;
  }

  ObjectNode json(double now) {
    ObjectNode o = CeleryJson.object();
    o.put("hostname", hostname);
    o.put("online", online(now));
    o.put("heartbeat_age", lastHeartbeat == 0 ? null : Math.max(0, now - lastHeartbeat));
    o.put("sw_ident", swIdent);
    o.put("sw_ver", swVer);
    o.put("sw_sys", swSys);
    o.put("pid", pid);
    o.put("freq", freq);
    o.put("active", active);
    o.put("processed", processed);
    o.put("loadavg", loadavg);
    o.put("succeeded", succeeded);
    o.put("failed", failed);
    return o;
  }
}
