package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.Apium;
import dev.apium.StampRevocations;
import dev.apium.control.WorkerCommands;
import dev.apium.control.WorkerView;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Pidbox;
import dev.apium.protocol.Rates;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's remote-control mailbox, as Celery's pidbox: listens on the {@code celery.pidbox}
 * fan-out, runs commands meant for this node ({@code destination} null or naming it, or {@code
 * pattern} + {@code matcher} matching it; expired requests are dropped) and, when the request has a
 * {@code ticket} and {@code reply_to}, replies to {@code reply.celery.pidbox} with the requester's
 * routing key. Its own commands: {@code ping}, {@code revoked}, {@code revoke_by_stamped_headers}
 * (terminating the matching running tasks through the {@link Executions} and the view), {@code
 * rate_limit}, {@code hello}; every other inspect and control command (revoke with terminate
 * included) comes from {@link WorkerCommands} over the worker's {@link WorkerView}. Requests arrive
 * on a transport thread and run on the mailbox's own thread. {@link #close()} stops listening.
 */
final class Mailbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Apium app;
  private final String nodename;
  private final RevokedIds revoked;
  private final Executions executions;
  private final WorkerView view;
  private final RateLimits rateLimits;
  private final AtomicLong clock = new AtomicLong();
  private final Map<String, Function<JsonNode, JsonNode>> commands = new ConcurrentHashMap<>();
  private final ExecutorService thread;
  private Subscription subscription;

  Mailbox(
      Apium app,
      String nodename,
      RevokedIds revoked,
      Executions executions,
      RateLimits rateLimits,
      WorkerView view) {
    this.app = app;
    this.nodename = nodename;
    this.revoked = revoked;
    this.executions = executions;
    this.view = view;
    this.rateLimits = rateLimits;
    this.thread = Executors.newSingleThreadExecutor(Threads.daemon("apium-mailbox"));
    command("ping", args -> Pidbox.ok("pong"));
    command("revoke_by_stamped_headers", this::revokeByStampedHeaders);
    command("revoked", args -> revokedIds());
    command("rate_limit", this::rateLimit);
    command("hello", this::hello);
    WorkerCommands.install(this::command, view); // every other inspect and control command
  }

  /** Adds (or replaces) a command: its handler gets the {@code arguments} and returns the reply. */
  void command(String method, Function<JsonNode, JsonNode> handler) {
    commands.put(method, handler);
  }

  void start() {
    try {
      subscription = subscribe();
    } catch (RuntimeException e) {
      log.warn(
          "Remote control unavailable on {} (ping, revoke, rate_limit will not reach {}): {}",
          app.broker().describe(),
          nodename,
          e.getMessage());
    }
  }

  private Subscription subscribe() {
    return app.broker()
        .subscribeFanout(
            Pidbox.EXCHANGE,
            "",
            message -> {
              try {
                thread.execute(() -> handle(message));
              } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("mailbox closed; control message dropped");
              }
            });
  }

  private void handle(WireMessage message) {
    try {
      Object sent = message.header("clock");
      if (sent instanceof Number n) {
        clock.accumulateAndGet(n.longValue(), Math::max);
      }
      clock.incrementAndGet();
      Object expires = message.header("expires");
      if (expires instanceof Number n
          && n.doubleValue() > 0
          && n.doubleValue() * 1000 < app.clock().millis()) {
        log.debug("expired control message dropped: {}", message.bodyText());
        return;
      }
      JsonNode body = CeleryJson.parse(message.bodyText());
      if (!forMe(body)) {
        return;
      }
      String method = body.path("method").asText();
      JsonNode args = body.path("arguments");
      JsonNode result = run(method, args.isObject() ? args : CeleryJson.object());
      JsonNode replyTo = body.path("reply_to");
      String ticket = body.path("ticket").asText(null);
      if (result != null && ticket != null && replyTo.isObject()) {
        app.broker()
            .publish(
                replyTo.path("exchange").asText(Pidbox.REPLY_EXCHANGE),
                replyTo.path("routing_key").asText(),
                Pidbox.reply(ticket, clock.incrementAndGet(), nodename, result));
      }
    } catch (RuntimeException e) {
      log.error("Control message could not be handled: {}", message.bodyText(), e);
    }
  }

  private JsonNode run(String method, JsonNode args) {
    Function<JsonNode, JsonNode> handler = commands.get(method);
    if (handler == null) {
      log.info("Unknown control command '{}' ignored by {}", method, nodename);
      return Pidbox.error("No such command: " + method);
    }
    try {
      return handler.apply(args);
    } catch (RuntimeException e) {
      log.error("Control command {} failed", method, e);
      return Pidbox.error(e.getClass().getSimpleName() + "('" + e.getMessage() + "')");
    }
  }

  private boolean forMe(JsonNode body) {
    JsonNode destination = body.path("destination");
    if (destination.isArray()) {
      for (JsonNode name : destination) {
        if (nodename.equals(name.asText())) {
          return true;
        }
      }
      return false;
    }
    String pattern = body.path("pattern").asText(null);
    if (pattern != null && !body.path("pattern").isNull()) {
      String matcher = body.path("matcher").asText("glob");
      Pattern regex =
          "pcre".equals(matcher) ? Pattern.compile(pattern) : Pattern.compile(globToRegex(pattern));
      return "pcre".equals(matcher)
          ? regex.matcher(nodename).find()
          : regex.matcher(nodename).matches();
    }
    return true;
  }

  private static String globToRegex(String glob) {
    StringBuilder out = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> out.append(".*");
        case '?' -> out.append('.');
        default -> out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }

  private JsonNode revokedIds() {
    ArrayNode out = CeleryJson.array();
    revoked.snapshot().forEach(out::add);
    return out;
  }

  /**
   * Celery 5.3+'s {@code revoke_by_stamped_headers}: the stamps are revoked for every task that
   * comes up later; with {@code terminate} the running tasks stamped so are stopped as {@code
   * revoke --terminate} stops them (REVOKED {@code terminated}, task-revoked event).
   */
  private JsonNode revokeByStampedHeaders(JsonNode args) {
    JsonNode headers = revoked.stamps().command(args);
    boolean terminate = args.path("terminate").asBoolean(false);
    Map<String, Set<Object>> terminated = new LinkedHashMap<>();
    if (terminate) {
      for (Map.Entry<String, Map<String, Object>> task : executions.headers().entrySet()) {
        Map<String, Set<Object>> hit = StampRevocations.matching(headers, task.getValue());
        if (!hit.isEmpty() && view.terminate(task.getKey())) {
          log.info("Terminating {} (revoked by stamped headers {})", task.getKey(), hit);
          hit.forEach(
              (name, values) ->
                  terminated.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(values));
        }
      }
    }
    log.info("Stamped headers flagged as revoked: {}", headers);
    return Pidbox.ok(StampRevocations.reply(headers, terminate, terminated));
  }

  private JsonNode rateLimit(JsonNode args) {
    String task = args.path("task_name").asText();
    JsonNode value = args.path("rate_limit");
    String rate = value.isNull() || value.isMissingNode() ? null : value.asText();
    try {
      Rates.perSecond(rate);
    } catch (IllegalArgumentException e) {
      return Pidbox.error("Invalid rate limit string: " + e.getMessage());
    }
    if (app.task(task) == null) {
      log.error("Rate limit attempt for unknown task {}", task);
      return Pidbox.error("unknown task");
    }
    rateLimits.set(task, rate);
    if (Rates.perSecond(rate) <= 0) {
      log.info("Rate limits disabled for tasks of type {}", task);
      return Pidbox.ok("rate limit disabled successfully");
    }
    log.info("New rate limit for tasks of type {}: {}.", task, rate);
    return Pidbox.ok("new rate limit set successfully");
  }

  /** Celery's mingle: another worker starting asks for our revoked ids. */
  private JsonNode hello(JsonNode args) {
    if (nodename.equals(args.path("from_node").asText())) {
      return null;
    }
    JsonNode theirs = args.path("revoked");
    if (theirs.isObject()) {
      theirs.fieldNames().forEachRemaining(id -> revoked.revoke(id, false));
    }
    ObjectNode reply = CeleryJson.object();
    ObjectNode ids = reply.putObject("revoked");
    double now = app.clock().millis() / 1000.0;
    revoked.snapshot().forEach(id -> ids.put(id, now));
    reply.put("clock", clock.get());
    return reply;
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
    thread.shutdown();
  }
}
