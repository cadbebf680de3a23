package dev.apium.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The JSON API under {@code /api}: reads from the {@link FleetState} (workers, tasks, task detail,
 * stats), live reads through remote control (a worker's active / reserved / scheduled / registered
 * tasks and stats) and the broker (queue depths), and the actions (revoke and terminate, shutdown,
 * pool grow / shrink, rate limit, purge, retry of a failed task), each behind {@link Auth}.
 * Handlers run on Javalin's HTTP threads.
 */
final class Api {
  static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(2);

  /** Why a queue shows no split by priority (RabbitMQ, SQL, memory). */
  static final String ONE_QUEUE =
      "depth only: this broker keeps every priority in one queue"
          + " (RabbitMQ orders them inside it by x-max-priority)";

  private final Apium app;
  private final FleetState state;
  private final Auth auth;
  private final List<String> queues;
  private final TaskRetry retry;

  Api(Apium app, FleetState state, Auth auth, List<String> queues, TaskRetry retry) {
    this.app = app;
    this.state = state;
    this.auth = auth;
    this.queues = queues;
    this.retry = retry;
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  static void json(Context ctx, Object value) {
    ctx.contentType("application/json").result(CeleryJson.write(value));
  }

  static void error(Context ctx, int status, String message) {
    ctx.status(status);
    json(ctx, Map.of("error", message));
  }

  void routes(RoutesConfig r) {
    r.get("/api/workers", ctx -> json(ctx, state.workers(now())));
    r.get(
        "/api/workers/{name}",
        ctx -> {
          ObjectNode w = state.worker(ctx.pathParam("name"), now());
          if (w == null) {
            error(ctx, 404, "no worker " + ctx.pathParam("name") + " seen (events on? -E)");
            return;
          }
          if (!"false".equals(ctx.queryParam("inspect"))) {
            w.set("inspect", inspect(ctx.pathParam("name")));
          }
          json(ctx, w);
        });
    r.get("/api/tasks", ctx -> json(ctx, state.tasks(filter(ctx), limit(ctx))));
    r.get(
        "/api/tasks/{id}",
        ctx -> {
          ObjectNode t = state.task(ctx.pathParam("id"));
          if (t == null) {
            error(ctx, 404, "task " + ctx.pathParam("id") + " not seen (or left the history)");
          } else {
            json(ctx, t);
          }
        });
    r.get("/api/stats", ctx -> json(ctx, state.stats(now(), seconds(ctx))));
    r.get("/api/queues", ctx -> json(ctx, queueDepths()));
    r.get("/api/tasks/{id}/retry", ctx -> json(ctx, planJson(retry.plan(ctx.pathParam("id")))));
    r.post("/api/tasks/{id}/revoke", this::revoke);
    r.post("/api/tasks/{id}/retry", this::retry);
    r.post("/api/workers/{name}/shutdown", this::shutdown);
    r.post("/api/workers/{name}/pool", this::pool);
    r.post("/api/workers/{name}/rate-limit", this::rateLimit);
    r.post("/api/workers/{name}/consumer", this::consumer);
    r.post("/api/queues/{name}/purge", this::purge);
  }

  static FleetState.TaskFilter filter(Context ctx) {
    String since = ctx.queryParam("since");
    Double after = null;
    if (since != null && !since.isBlank()) {
      try {
        after = Double.parseDouble(since);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "since=" + since + ": give seconds since the epoch, e.g. since=1700000000");
      }
    }
    return new FleetState.TaskFilter(
        ctx.queryParam("q"), ctx.queryParam("state"), ctx.queryParam("worker"), after);
  }

  /**
   * The chart window: {@code window=2m|15m|1h} or {@code seconds=1..3600}; 2 minutes if neither.
   */
  static int seconds(Context ctx) {
    String window = ctx.queryParam("window");
    if (window != null && !window.isBlank()) {
      return Throughput.windowSeconds(window.trim());
    }
    return intParam(ctx, "seconds", 120, 1, Throughput.maxSeconds());
  }

  static int limit(Context ctx) {
    return intParam(ctx, "limit", 100, 1, 10_000);
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + "=" + v + ": give a whole number from " + min + " to " + max);
    }
  }

  /** What a worker holds now, asked through remote control (1 s, this worker only). */
  ObjectNode inspect(String worker) {
    ObjectNode out = CeleryJson.object();
    var inspect = app.control().inspect().destination(worker).timeout(Duration.ofSeconds(1));
    out.set("active", inspect.active().get(worker));
    out.set("reserved", inspect.reserved().get(worker));
    out.set("scheduled", inspect.scheduled().get(worker));
    out.set("registered", inspect.registered().get(worker));
    out.set("stats", inspect.stats().get(worker));
    return out;
  }

  /**
   * Depth of the configured queues and of those the workers say they consume, per priority step
   * where the broker keeps them apart (Redis: {@code priorities} {@code {"0": n, "3": n, "6": n,
   * "9": n}}), with a {@code priorities_note} where it does not.
   */
  ArrayNode queueDepths() {
    TreeSet<String> names = new TreeSet<>(queues);
    if (!state.workerNames().isEmpty()) {
      for (JsonNode reply :
          app.control().inspect().timeout(Duration.ofSeconds(1)).activeQueues().values()) {
        for (JsonNode q : reply) {
          if (q.hasNonNull("name")) {
            names.add(q.path("name").asText());
          }
        }
      }
    }
    ArrayNode out = CeleryJson.array();
    for (String name : names) {
      ObjectNode q = out.addObject().put("name", name);
      try {
        SortedMap<Integer, Long> steps = app.broker().sizeByPriority(name);
        if (steps.isEmpty()) {
          q.put("messages", app.broker().size(name));
          q.put("priorities_note", ONE_QUEUE);
        } else {
          q.put("messages", steps.values().stream().mapToLong(Long::longValue).sum());
          ObjectNode byStep = q.putObject("priorities");
          steps.forEach((step, n) -> byStep.put(String.valueOf(step), n));
        }
      } catch (RuntimeException e) {
        q.put("error", String.valueOf(e.getMessage()));
      }
    }
    return out;
  }

  private boolean allowed(Context ctx) {
    Auth.Verdict v = auth.check(ctx);
    if (v == Auth.Verdict.ALLOWED) {
      return true;
    }
    error(ctx, v.status, v.message);
    return false;
  }

  private void revoke(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    boolean terminate = "true".equals(param(ctx, "terminate"));
    Map<String, JsonNode> replies = app.control().revoke(id, terminate, CONTROL_TIMEOUT);
    json(ctx, Map.of("ok", "revoke sent" + (terminate ? " (terminate)" : ""), "replies", replies));
  }

  static ObjectNode planJson(TaskRetry.Plan plan) {
    ObjectNode o = CeleryJson.object().put("possible", plan.possible());
    if (!plan.possible()) {
      return o.put("reason", plan.refusal());
    }
    o.put("name", plan.name());
    o.set("args", CeleryJson.toTree(plan.args()));
    o.set("kwargs", CeleryJson.toTree(plan.kwargs()));
    return o.put("queue", plan.queue());
  }

  /**
   * Sends a failed task again under a new id (name, args, kwargs, queue from its stored result).
   */
  private void retry(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    TaskRetry.Plan plan = retry.plan(id);
    if (!plan.possible()) {
      error(ctx, 409, plan.refusal());
      return;
    }
    String sent = retry.send(plan);
    json(
        ctx,
        Map.of("ok", "retried " + plan.name() + " as " + sent, "task_id", sent, "retry_of", id));
  }

  private void shutdown(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    app.control().shutdown(List.of(ctx.pathParam("name")));
    json(ctx, Map.of("ok", "shutdown sent to " + ctx.pathParam("name")));
  }

  private void pool(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String n = param(ctx, "n");
    int by;
    try {
      by = Integer.parseInt(n == null ? "" : n.trim());
    } catch (NumberFormatException e) {
      error(ctx, 400, "n=" + n + ": give +N to grow the pool or -N to shrink it, e.g. n=1");
      return;
    }
    if (by == 0) {
      error(ctx, 400, "n=0: give +N to grow the pool or -N to shrink it, e.g. n=1");
      return;
    }
    Map<String, JsonNode> replies =
        app.control().poolResize(by, List.of(ctx.pathParam("name")), CONTROL_TIMEOUT);
    json(
        ctx,
        Map.of("ok", (by > 0 ? "pool_grow " : "pool_shrink ") + Math.abs(by), "replies", replies));
  }

  private void rateLimit(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String task = param(ctx, "task");
    String rate = param(ctx, "rate");
    if (task == null || task.isBlank()) {
      error(
          ctx, 400, "task is missing: give the task name whose rate to limit, e.g. task=tasks.add");
      return;
    }
    Map<String, JsonNode> replies =
        app.control()
            .rateLimit(
                task,
                rate == null || rate.isBlank() ? "0" : rate.trim(),
                List.of(ctx.pathParam("name")),
                CONTROL_TIMEOUT);
    json(ctx, Map.of("ok", "rate_limit " + task + " " + rate, "replies", replies));
  }

  /** {@code add_consumer} ({@code ?queue=q}) or {@code cancel_consumer} ({@code &cancel=true}). */
  private void consumer(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String queue = param(ctx, "queue");
    if (queue == null || queue.isBlank()) {
      error(ctx, 400, "queue is missing: give the queue to consume or cancel, e.g. queue=images");
      return;
    }
    boolean cancel = "true".equals(param(ctx, "cancel"));
    List<String> to = List.of(ctx.pathParam("name"));
    Map<String, JsonNode> replies =
        cancel
            ? app.control().cancelConsumer(queue.trim(), to, CONTROL_TIMEOUT)
            : app.control().addConsumer(queue.trim(), to, CONTROL_TIMEOUT);
    json(
        ctx,
        Map.of("ok", (cancel ? "cancel_consumer " : "add_consumer ") + queue, "replies", replies));
  }

  private void purge(Context ctx) {
    if (!allowed(ctx)) {
      return;
    }
    String name = ctx.pathParam("name");
    if (!name.equals(param(ctx, "confirm"))) {
      error(ctx, 400, "purge " + name + ": confirm by repeating the queue name, confirm=" + name);
      return;
    }
    long purged = app.broker().purge(name);
    json(ctx, Map.of("ok", "purged " + purged + " message(s) from " + name, "purged", purged));
  }

  /** A parameter from the query string or a form body. */
  static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null
        && ctx.contentType() != null
        && ctx.contentType().startsWith("application/x-www-form-urlencoded")) {
      v = ctx.formParam(name);
    }
    return v;
  }
}
