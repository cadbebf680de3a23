package dev.apium.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.apium.events.WorkerEvents;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.PythonRepr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery 5.2.6's worker remote-control commands ({@code celery/worker/control.py}) with its reply
 * shapes, run against a {@link WorkerView}: inspect {@code active, reserved, scheduled, registered,
 * stats, active_queues, conf, query_task, report, clock} and control {@code revoke, shutdown,
 * time_limit, add_consumer, cancel_consumer, pool_grow, pool_shrink, autoscale, enable_events,
 * disable_events, heartbeat}. {@link #install} registers them with a mailbox; they run on the
 * mailbox's thread. A handler returning Java null sends no reply ({@code shutdown}, as Celery's,
 * which exits without answering).
 */
public final class WorkerCommands {
  private static final Logger log = LoggerFactory.getLogger(WorkerCommands.class);
  private final WorkerView worker;

  private WorkerCommands(WorkerView worker) {
    this.worker = worker;
  }

  /** Registers every command with {@code register(method, handler)} (a mailbox's). */
  public static void install(
      BiConsumer<String, Function<JsonNode, JsonNode>> register, WorkerView worker) {
    WorkerCommands c = new WorkerCommands(worker);
    register.accept("active", c::active);
    register.accept("reserved", args -> c.requests(worker.reserved()));
    register.accept("scheduled", args -> c.scheduled());
    register.accept("registered", args -> c.registered());
    register.accept("stats", args -> WorkerStats.of(worker));
    register.accept("active_queues", args -> c.activeQueues());
    register.accept("conf", args -> WorkerStats.conf(worker));
    register.accept("query_task", c::queryTask);
    register.accept("report", args -> ok(WorkerStats.report(worker)));
    register.accept(
        "clock", args -> CeleryJson.object().put("clock", worker.events().clockValue()));
    register.accept("revoke", c::revoke);
    register.accept("shutdown", c::shutdown);
    register.accept("time_limit", c::timeLimit);
    register.accept("add_consumer", c::addConsumer);
    register.accept("cancel_consumer", c::cancelConsumer);
    register.accept("pool_grow", args -> c.resize(args, 1));
    register.accept("pool_shrink", args -> c.resize(args, -1));
    register.accept("autoscale", c::autoscale);
    register.accept("enable_events", args -> c.events(true));
    register.accept("disable_events", args -> c.events(false));
    register.accept("heartbeat", c::heartbeat);
  }

  static JsonNode ok(String text) {
    return CeleryJson.object().put("ok", text);
  }

  static JsonNode error(String text) {
    return CeleryJson.object().put("error", text);
  }

  private JsonNode active(JsonNode args) {
    boolean safe = args.path("safe").asBoolean(false);
    ArrayNode out = CeleryJson.array();
    worker.active().forEach(r -> out.add(r.info(worker.nodename(), safe)));
    return out;
  }

  private JsonNode requests(List<RequestSnapshot> requests) {
    ArrayNode out = CeleryJson.array();
    requests.forEach(r -> out.add(r.info(worker.nodename(), false)));
    return out;
  }

  private JsonNode scheduled() {
    ArrayNode out = CeleryJson.array();
    for (RequestSnapshot r : worker.scheduled()) {
      ObjectNode entry = out.addObject();
      entry.put("eta", r.eta() == null ? null : CeleryJson.isoformat(r.eta()));
      entry.put("priority", 6);
      entry.set("request", r.info(worker.nodename(), false));
    }
    return out;
  }

  private JsonNode registered() {
    ArrayNode out = CeleryJson.array();
    new TreeSet<>(worker.registered()).forEach(out::add);
    return out;
  }

  private JsonNode activeQueues() {
    ArrayNode out = CeleryJson.array();
    worker.queues().forEach(q -> out.add(WorkerStats.queue(q)));
    return out;
  }

  private JsonNode queryTask(JsonNode args) {
    List<String> ids = strings(args.path("ids"));
    ObjectNode out = CeleryJson.object();
    // Celery counts ETA requests as reserved too.
    addStates(out, ids, "active", worker.active());
    addStates(out, ids, "reserved", worker.reserved());
    addStates(out, ids, "reserved", worker.scheduled());
    return out;
  }

  private void addStates(
      ObjectNode out, List<String> ids, String state, List<RequestSnapshot> requests) {
    for (RequestSnapshot r : requests) {
      if (ids.contains(r.id()) && !out.has(r.id())) {
        ArrayNode pair = out.putArray(r.id());
        pair.add(state);
        pair.add(r.info(worker.nodename(), false));
      }
    }
  }

  /**
   * Flags the ids as revoked; with {@code terminate}, first stops those running here (and, after
   * the flags, any that started in between). Terminating first matters: flagging stores REVOKED
   * {@code revoked} for every id not finished yet (so that waiters learn of a task revoked before
   * any worker received it), and a waiter that already waits for a running task would take that for
   * its end instead of REVOKED {@code terminated}.
   */
  private JsonNode revoke(JsonNode args) {
    List<String> ids = strings(args.path("task_id"));
    boolean terminate = args.path("terminate").asBoolean(false);
    List<String> terminated = new ArrayList<>();
    if (terminate) {
      terminateRunning(ids, terminated);
    }
    ids.forEach(worker::revoke);
    if (terminate) {
      // A task that started between the two steps was not flagged yet when it started.
      terminateRunning(ids, terminated);
      return terminated.isEmpty()
          ? ok("terminate: tasks unknown")
          : ok("terminate: " + String.join(", ", terminated));
    }
    log.info("Tasks flagged as revoked: {}", String.join(", ", ids));
    return ok("tasks " + String.join(", ", ids) + " flagged as revoked");
  }

  /** Terminates those of {@code ids} running here and not in {@code terminated}; adds them. */
  private void terminateRunning(List<String> ids, List<String> terminated) {
    for (String id : ids) {
      if (!terminated.contains(id) && worker.terminate(id)) {
        terminated.add(id);
      }
    }
  }

  private JsonNode shutdown(JsonNode args) {
    log.warn("{}", args.path("msg").asText("Got shutdown from remote"));
    worker.shutdown();
    return null;
  }

  private JsonNode timeLimit(JsonNode args) {
    String task = args.path("task_name").asText();
    Double hard = number(args.path("hard"));
    Double soft = number(args.path("soft"));
    if (!worker.timeLimit(task, hard, soft)) {
      log.error("Change time limit attempt for unknown task {}", task);
      return error("unknown task");
    }
    log.info("New time limits for tasks of type {}: soft={} hard={}", task, soft, hard);
    return ok("time limits set successfully");
  }

  private JsonNode addConsumer(JsonNode args) {
    String queue = args.path("queue").asText();
    if (!worker.addConsumer(queue)) {
      return ok("already consuming from '" + queue + "'");
    }
    log.info("Started consuming from {}", queue);
    return ok("add consumer " + queue);
  }

  private JsonNode cancelConsumer(JsonNode args) {
    String queue = args.path("queue").asText();
    worker.cancelConsumer(queue);
    return ok("no longer consuming from " + queue);
  }

  private JsonNode resize(JsonNode args, int sign) {
    if (worker.autoscaling()) {
      return error(
          (sign > 0 ? "pool_grow" : "pool_shrink")
              + " is not supported with autoscale. Adjust autoscale range instead.");
    }
    int n = args.path("n").asInt(1);
    worker.resizePool(sign * n);
    return ok(sign > 0 ? "pool will grow" : "pool will shrink");
  }

  private JsonNode autoscale(JsonNode args) {
    if (!worker.autoscaling()) {
      return error("ValueError('Autoscale not enabled')");
    }
    Double max = number(args.path("max"));
    Double min = number(args.path("min"));
    int[] now;
    try {
      now =
          worker.autoscale(
              max == null ? null : max.intValue(), min == null ? null : min.intValue());
    } catch (IllegalArgumentException e) {
      return error("ValueError(" + PythonRepr.of(TextNode.valueOf(e.getMessage())) + ")");
    }
    return ok("autoscale now max=" + now[0] + " min=" + now[1]);
  }

  private JsonNode events(boolean enable) {
    boolean was = worker.events().taskEvents(enable);
    if (enable) {
      return ok(was ? "task events already enabled" : "task events enabled");
    }
    return ok(was ? "task events disabled" : "task events already disabled");
  }

  private JsonNode heartbeat(JsonNode args) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("freq", 5);
    fields.putAll(WorkerEvents.software());
    worker.events().send("worker-heartbeat", fields);
    return NullNode.getInstance();
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isTextual()) {
      out.add(node.asText());
    }
    return out;
  }

  private static Double number(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isTextual() && !node.asText().isBlank()) {
      try {
        return Double.parseDouble(node.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
