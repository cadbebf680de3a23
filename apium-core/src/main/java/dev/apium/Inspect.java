package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Celery's {@code app.control.inspect()} for Java: asks workers (Java or Python) what they hold and
 * know, with Celery's command names and reply shapes, and returns {@code nodename -> reply} ({@code
 * active} gives each worker's list of request dicts, {@code stats} a dict, and so on). An empty map
 * means no worker answered within the timeout. Immutable: {@link #timeout} and {@link #destination}
 * return new instances. Thread-safe.
 */
public final class Inspect {
  private final Control control;
  private final Duration timeout;
  private final List<String> destination;

  Inspect(Control control, Duration timeout, List<String> destination) {
    this.control = control;
    this.timeout = timeout;
    this.destination = destination;
  }

  /** How long replies are collected (default 1 s, as Celery). */
  public Inspect timeout(Duration value) {
    return new Inspect(control, value, destination);
  }

  /** Asks only these workers (and stops waiting once all of them answered). */
  public Inspect destination(String... nodenames) {
    return new Inspect(control, timeout, nodenames.length == 0 ? null : List.of(nodenames));
  }

  public Map<String, JsonNode> ping() {
    return call("ping", Map.of());
  }

  /** Tasks running now. */
  public Map<String, JsonNode> active() {
    return call("active", Map.of());
  }

  /** Tasks received and waiting to run. */
  public Map<String, JsonNode> reserved() {
    return call("reserved", Map.of());
  }

  /** Tasks waiting for their ETA. */
  public Map<String, JsonNode> scheduled() {
    return call("scheduled", Map.of());
  }

  public Map<String, JsonNode> registered() {
    return call("registered", Map.of("taskinfoitems", List.of()));
  }

  public Map<String, JsonNode> stats() {
    return call("stats", Map.of());
  }

  public Map<String, JsonNode> activeQueues() {
    return call("active_queues", Map.of());
  }

  public Map<String, JsonNode> conf() {
    return call("conf", Map.of("with_defaults", false));
  }

  /** {@code {task id: [state, request]}} per worker for the tasks it holds. */
  public Map<String, JsonNode> queryTask(String... ids) {
    return call("query_task", Map.of("ids", List.of(ids)));
  }

  public Map<String, JsonNode> revoked() {
    return call("revoked", Map.of());
  }

  public Map<String, JsonNode> report() {
    return call("report", Map.of());
  }

  public Map<String, JsonNode> clock() {
    return call("clock", Map.of());
  }

  /** Any inspect command by name, e.g. {@code call("memsample", Map.of())} on Python workers. */
  public Map<String, JsonNode> call(String method, Map<String, Object> arguments) {
    return control.broadcast(method, new LinkedHashMap<>(arguments), destination, timeout);
  }
}
