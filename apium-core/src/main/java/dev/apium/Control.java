package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Pidbox;
import dev.apium.protocol.Rates;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remote control of workers, Java or Python, as Celery's {@code app.control}: commands are
 * broadcast on {@code celery.pidbox} exactly as Celery sends them, and replies are collected from
 * this app's reply queue {@code <oid>.reply.celery.pidbox} (bound to {@code reply.celery.pidbox}
 * with the oid), matched by ticket, until the timeout or until every named destination answered.
 * Revokes are also persisted in the result backend, so workers started later refuse the task.
 * Thread-safe; one broadcast with replies runs at a time per app.
 */
public final class Control {
  private static final Duration KEEP_REVOKED = Duration.ofHours(3);
  private final Apium app;
  private final AtomicLong clock = new AtomicLong();

  Control(Apium app) {
    this.app = app;
  }

  /** Asks every worker to answer; returns {@code nodename -> {"ok": "pong"}}. */
  public Map<String, JsonNode> ping(Duration timeout) {
    return broadcast("ping", Map.of(), null, timeout);
  }

  /** Revokes a task on every worker, now and (through the result backend) later. No reply. */
  public void revoke(String taskId) {
    revoke(taskId, false);
  }

  /**
   * Revokes a task; with {@code terminate} a worker running it interrupts it and stores REVOKED
   * {@code terminated}. A cast, as Celery's default: no reply is awaited.
   */
  public void revoke(String taskId, boolean terminate) {
    app.backend().markRevoked(taskId, KEEP_REVOKED);
    cast("revoke", revokeArguments(taskId, terminate), null);
  }

  /** Revokes and collects the workers' replies ({@code "tasks <id> flagged as revoked"}). */
  public Map<String, JsonNode> revoke(String taskId, boolean terminate, Duration timeout) {
    return revoke(taskId, terminate, null, timeout);
  }

  /** As {@link #revoke(String, boolean, Duration)}, to the named workers only (null = all). */
  public Map<String, JsonNode> revoke(
      String taskId, boolean terminate, List<String> destination, Duration timeout) {
    app.backend().markRevoked(taskId, KEEP_REVOKED);
    return broadcast("revoke", revokeArguments(taskId, terminate), destination, timeout);
  }

  /**
   * Celery 5.3+'s {@code revoke_by_stamped_headers}: every task stamped with one of these values
   * ({@code {"tenant": "acme"}} or {@code {"tenant": List.of("acme", "zeta")}}) is dropped as
   * REVOKED when it comes up; with {@code terminate} the running ones are stopped too. Returns the
   * replies, e.g. {@code {"ok": "headers {'tenant': 'acme'} flagged as revoked, but not
   * terminated"}}. Workers only remember it while they run, as Celery's.
   */
  public Map<String, JsonNode> revokeByStampedHeaders(
      Map<String, Object> headers, boolean terminate, List<String> destination, Duration timeout) {
    if (headers.isEmpty()) {
      throw new IllegalArgumentException(
          "revokeByStampedHeaders: no stamp given; pass e.g. Map.of(\"tenant\", \"acme\")");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("headers", headers);
    args.put("terminate", terminate);
    args.put("signal", "SIGTERM");
    return broadcast("revoke_by_stamped_headers", args, destination, timeout);
  }

  private static Map<String, Object> revokeArguments(String taskId, boolean terminate) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("task_id", taskId);
    args.put("terminate", terminate);
    args.put("signal", "SIGTERM");
    return args;
  }

  /**
   * Changes a task type's rate limit on every worker ({@code "10/s"}; null or "0" removes it);
   * returns the replies.
   */
  public Map<String, JsonNode> rateLimit(String taskName, String rate, Duration timeout) {
    return rateLimit(taskName, rate, null, timeout);
  }

  /** As {@link #rateLimit(String, String, Duration)}, to the named workers only (null = all). */
  public Map<String, JsonNode> rateLimit(
      String taskName, String rate, List<String> destination, Duration timeout) {
    Rates.perSecond(rate);
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("task_name", taskName);
    args.put("rate_limit", rate);
    return broadcast("rate_limit", args, destination, timeout);
  }

  /** Celery's {@code inspect()}: what workers hold and know, replies collected for 1 s. */
  public Inspect inspect() {
    return new Inspect(this, Duration.ofSeconds(1), null);
  }

  /** Warm shutdown of the named workers (null = all). A cast: workers do not answer. */
  public void shutdown(List<String> destination) {
    cast("shutdown", Map.of(), destination);
  }

  /** Sets a task type's time limits in seconds (null = none) on the workers. */
  public Map<String, JsonNode> timeLimit(
      String taskName, Double hard, Double soft, List<String> destination, Duration timeout) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("task_name", taskName);
    args.put("hard", hard);
    args.put("soft", soft);
    return broadcast("time_limit", args, destination, timeout);
  }

  /** Makes workers consume one more queue ({@code add_consumer}). */
  public Map<String, JsonNode> addConsumer(
      String queue, List<String> destination, Duration timeout) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("queue", queue);
    args.put("exchange", null);
    args.put("exchange_type", "direct");
    args.put("routing_key", null);
    return broadcast("add_consumer", args, destination, timeout);
  }

  /** Makes workers stop consuming a queue ({@code cancel_consumer}). */
  public Map<String, JsonNode> cancelConsumer(
      String queue, List<String> destination, Duration timeout) {
    return broadcast("cancel_consumer", Map.of("queue", queue), destination, timeout);
  }

  /** Grows (n &gt; 0) or shrinks (n &lt; 0) the workers' pools by {@code |n|}. */
  public Map<String, JsonNode> poolResize(int n, List<String> destination, Duration timeout) {
    return broadcast(
        n >= 0 ? "pool_grow" : "pool_shrink", Map.of("n", Math.abs(n)), destination, timeout);
  }

  /** Changes the autoscale bounds of workers started with autoscale. */
  public Map<String, JsonNode> autoscale(
      int max, int min, List<String> destination, Duration timeout) {
    return broadcast("autoscale", Map.of("max", max, "min", min), destination, timeout);
  }

  /** Turns task events on ({@code true}) or off on the workers. */
  public Map<String, JsonNode> events(boolean enabled, List<String> destination, Duration timeout) {
    return broadcast(enabled ? "enable_events" : "disable_events", Map.of(), destination, timeout);
  }

  /** Asks the workers to send a heartbeat event now. */
  public Map<String, JsonNode> heartbeat(List<String> destination, Duration timeout) {
    return broadcast("heartbeat", Map.of(), destination, timeout);
  }

  /** Sends a command without waiting for replies. */
  public void cast(String method, Map<String, Object> arguments, List<String> destination) {
    app.broker()
        .publishFanout(
            Pidbox.EXCHANGE,
            "",
            Pidbox.request(clock.incrementAndGet(), 0, body(method, arguments, destination, null)));
  }

  /**
   * Sends a command and collects replies until {@code timeout}, or until each worker in {@code
   * destination} (when given) has answered. Returns {@code nodename -> reply}.
   */
  public synchronized Map<String, JsonNode> broadcast(
      String method, Map<String, Object> arguments, List<String> destination, Duration timeout) {
    String ticket = UUID.randomUUID().toString();
    String queue = Pidbox.replyQueue(app.oid());
    app.broker().bindQueue(queue, Pidbox.REPLY_EXCHANGE, app.oid());
    BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (Subscription s =
        app.broker()
            .consume(
                List.of(queue),
                64,
                delivery -> {
                  delivery.ack();
                  if (ticket.equals(String.valueOf(delivery.message().header("ticket")))) {
                    replies.add(CeleryJson.parse(delivery.message().bodyText()));
                  }
                })) {
      Map<String, Object> body = body(method, arguments, destination, ticket);
      double expires = (app.clock().millis() + timeout.toMillis()) / 1000.0;
      app.broker()
          .publishFanout(
              Pidbox.EXCHANGE, "", Pidbox.request(clock.incrementAndGet(), expires, body));
      long deadline = System.nanoTime() + timeout.toNanos();
      int limit = destination == null ? Integer.MAX_VALUE : destination.size();
      while (out.size() < limit) {
        long left = deadline - System.nanoTime();
        JsonNode reply = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
        if (reply == null) {
          break;
        }
        reply.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  private Map<String, Object> body(
      String method, Map<String, Object> arguments, List<String> destination, String ticket) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", method);
    body.put("arguments", arguments);
    body.put("destination", destination);
    body.put("pattern", null);
    body.put("matcher", null);
    if (ticket != null) {
      body.put("ticket", ticket);
      Map<String, Object> replyTo = new LinkedHashMap<>();
      replyTo.put("exchange", Pidbox.REPLY_EXCHANGE);
      replyTo.put("routing_key", app.oid());
      body.put("reply_to", replyTo);
    }
    return body;
  }
}
