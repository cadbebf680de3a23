package dev.apium.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.time.Instant;

/**
 * A task request a worker holds (running, prefetched or waiting for its ETA), as the {@code
 * active}, {@code reserved}, {@code scheduled} and {@code query_task} replies show it. {@link
 * #info} writes Celery's {@code Request.info()} dict. Immutable.
 */
public record RequestSnapshot(
    String id,
    String name,
    JsonNode args,
    JsonNode kwargs,
    String argsRepr,
    String kwargsRepr,
    Double timeStart,
    boolean acknowledged,
    String exchange,
    String routingKey,
    int priority,
    Boolean redelivered,
    Long workerPid,
    Instant eta) {

  /** Celery's {@code Request.info(safe)}: with {@code safe} the args are their reprs. */
  public ObjectNode info(String hostname, boolean safe) {
    ObjectNode o = CeleryJson.object();
    o.put("id", id);
    o.put("name", name);
    if (safe) {
      o.put("args", argsRepr);
      o.put("kwargs", kwargsRepr);
    } else {
      o.set("args", args == null ? CeleryJson.array() : args);
      o.set("kwargs", kwargs == null ? CeleryJson.object() : kwargs);
    }
    o.put("type", name);
    o.put("hostname", hostname);
    if (timeStart == null) {
      o.putNull("time_start");
    } else {
      o.put("time_start", timeStart);
    }
    o.put("acknowledged", acknowledged);
    ObjectNode delivery = o.putObject("delivery_info");
    delivery.put("exchange", exchange == null ? "" : exchange);
    delivery.put("routing_key", routingKey);
    delivery.put("priority", priority);
    if (redelivered == null) {
      delivery.putNull("redelivered");
    } else {
      delivery.put("redelivered", redelivered);
    }
    if (workerPid == null) {
      o.putNull("worker_pid");
    } else {
      o.put("worker_pid", workerPid);
    }
    return o;
  }
}
