package dev.apium;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.internal.PipelinedWrites;
import dev.apium.listen.Listeners;
import dev.apium.listen.OutgoingTask;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.Embed;
import dev.apium.protocol.Signature;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.Uuid4;
import dev.apium.protocol.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a call (name, args, options) into a Celery v2 task message and publishes it: fills ids
 * (parent and root from the task running on this thread, as Celery does), turns countdown into an
 * absolute ETA, routes to the queue, and declares each queue once. Called from client and worker
 * threads; thread-safe.
 */
final class Publisher {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Publisher.class);
  private final Apium app;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final PipelinedWrites pipeline;
  private final boolean pipelined;
  // The app's listeners, or null when none is registered (then sends do no listener work).
  private final Listeners listeners;

  /** Client events ({@code task-sent}) when {@code task_send_sent_event} is on, else null. */
  private final dev.apium.events.EventDispatcher sentEvents;

  Publisher(Apium app) {
    this.app = app;
    this.pipelined = !app.config().getBoolean(ApiumConfig.TASK_PUBLISH_SYNC, false);
    Listeners all = Listeners.of(app.listeners());
    this.listeners = all.isEmpty() ? null : all;
    this.sentEvents =
        app.config().getBoolean("task_send_sent_event", false)
            ? new dev.apium.events.EventDispatcher(
                app.broker(), app.clientNodename(), app.clock(), true, false)
            : null;
    this.pipeline =
        new PipelinedWrites(
            "publish",
            4096,
            app.config()
                .getSeconds(ApiumConfig.TASK_PUBLISH_RETRY_TIMEOUT, Duration.ofSeconds(60)));
  }

  /**
   * Sends a task. From a client thread (no task running on it) the publish is pipelined: this
   * returns once the message is on its way and the broker's confirmation completes {@link
   * AsyncResult#published()}; with {@code task_publish_sync=true}, and always from inside a task
   * (where a chain's next step must be queued before the ack), it returns only once the broker has
   * the message.
   */
  <T> AsyncResult<T> send(
      String taskName, ArrayNode args, ObjectNode kwargs, CallOptions options, JavaType type) {
    TaskMessage message = build(taskName, args, kwargs, options);
    TaskContext running = TaskContext.current();
    if (running != null) {
      running.trail().sent(message.id());
    }
    if (pipelined && running == null) {
      CompletableFuture<Void> published = publishPipelined(message, options);
      return app.resultOf(message.id(), type, null, published);
    }
    publish(message, options);
    return app.resultOf(message.id(), type, null);
  }

  private CompletableFuture<Void> publishPipelined(TaskMessage built, CallOptions o) {
    Route route = route(o);
    OutgoingTask out = before(built, route);
    TaskMessage message = out == null ? built : withAddedHeaders(out);
    WireMessage wire = TaskMessageCodec.encode(message, app.clock().instant());
    String what = "task " + message.task() + "[" + message.id() + "]";
    if (!message.ignoreResult()) {
      app.backend().expect(message.id());
    }
    sent(message, o, route);
    CompletableFuture<Void> published =
        pipeline.start(
            "publishing " + what,
            () -> app.broker().publishAsync(route.exchange(), route.routingKey(), wire),
            () -> app.broker().publish(route.exchange(), route.routingKey(), wire));
    published.whenComplete(
        (v, error) -> {
          if (out != null) {
            listeners.afterPublish(out, error);
          }
          if (error != null) {
            log.error(
                "{} was NOT queued: {} (the broker kept refusing it for {} s; send it again once"
                    + " the broker is back)",
                what,
                error.getMessage(),
                pipeline.retryBudget().toSeconds());
          }
        });
    return published;
  }

  /** Waits for pipelined sends to be confirmed (app close); false if some were not in time. */
  boolean drain(Duration deadline) {
    return pipeline.close(deadline);
  }

  /** Builds the message a call would send, without sending it. */
  TaskMessage build(String taskName, ArrayNode args, ObjectNode kwargs, CallOptions o) {
    Instant now = app.clock().instant();
    String id = o.taskId != null ? o.taskId : Uuid4.next();
    TaskContext current = TaskContext.current();
    String parent = o.parentId != null ? o.parentId : current == null ? null : current.id();
    String root = o.rootId != null ? o.rootId : current == null ? id : current.rootId();
    Instant eta = o.eta != null ? o.eta : o.countdown == null ? null : now.plus(o.countdown);
    RegisteredTask local = app.task(taskName);
    Instant expires =
        o.expires != null ? o.expires : o.expiresIn == null ? null : now.plus(o.expiresIn);
    if (expires == null && local != null && local.options().expires() != null) {
      expires = now.plus(local.options().expires());
    }
    boolean ignore =
        o.ignoreResult != null
            ? o.ignoreResult
            : local != null && Boolean.TRUE.equals(local.options().ignoreResult());
    return TaskMessage.builder(taskName, id)
        .shadow(o.shadow)
        .eta(eta)
        .expires(expires)
        .group(o.group)
        .groupIndex(o.groupIndex)
        .timeLimit(seconds(o.timeLimit), seconds(o.softTimeLimit))
        .rootId(root)
        .parentId(parent)
        .origin(app.clientNodename())
        .ignoreResult(ignore)
        .headers(o.headers)
        .args(args)
        .kwargs(kwargs)
        .argsRepr(o.argsRepr)
        .kwargsRepr(o.kwargsRepr)
        .embed(
            new Embed(
                o.link.isEmpty() ? null : o.link,
                o.linkError.isEmpty() ? null : o.linkError,
                o.chain,
                o.chord))
        .replyTo(app.replyTo())
        .priority(o.priority == null ? 0 : o.priority)
        .build();
  }

  /** Publishes a built message, routed by the options (queue, exchange) or the default queue. */
  void publish(TaskMessage built, CallOptions o) {
    Route route = route(o);
    OutgoingTask out = before(built, route);
    TaskMessage message = out == null ? built : withAddedHeaders(out);
    WireMessage wire = TaskMessageCodec.encode(message, app.clock().instant());
    try {
      app.broker().publish(route.exchange(), route.routingKey(), wire);
    } catch (RuntimeException e) {
      if (out != null) {
        listeners.afterPublish(out, e);
      }
      throw e;
    }
    if (out != null) {
      listeners.afterPublish(out, null);
    }
    sent(message, o, route);
  }

  /** Lets the listeners see the message and add headers; null when no listener is registered. */
  private OutgoingTask before(TaskMessage message, Route route) {
    if (listeners == null) {
      return null;
    }
    OutgoingTask out = new OutgoingTask(message, route.exchange(), route.routingKey());
    listeners.beforePublish(out);
    return out;
  }

  /** The message with the headers listeners added (the same message when they added none). */
  private static TaskMessage withAddedHeaders(OutgoingTask out) {
    return out.addedHeaders().isEmpty()
        ? out.message()
        : out.message().toBuilder().headers(out.addedHeaders()).build();
  }

  /** Celery's {@code task-sent} event, when {@code task_send_sent_event} is on. */
  private void sent(TaskMessage message, CallOptions o, Route route) {
    if (sentEvents != null) {
      String queue =
          o.queue != null ? o.queue : app.config().get(ApiumConfig.DEFAULT_QUEUE, "celery");
      sentEvents.send(
          "task-sent",
          dev.apium.events.TaskEvents.sent(message, queue, route.exchange(), route.routingKey()));
    }
  }

  /** Where a call goes: its exchange and routing key, or the queue (declared once) by default. */
  private Route route(CallOptions o) {
    String queue =
        o.queue != null ? o.queue : app.config().get(ApiumConfig.DEFAULT_QUEUE, "celery");
    if (o.exchange != null && !o.exchange.isEmpty()) {
      return new Route(o.exchange, o.routingKey == null ? queue : o.routingKey);
    }
    if (declared.add(queue)) {
      app.broker().declareQueue(queue);
    }
    return new Route("", queue);
  }

  private record Route(String exchange, String routingKey) {}

  /** Sends one call of a task per args list, routed alike, in one {@code Broker.publishAll}. */
  <T> List<AsyncResult<T>> sendAll(
      String taskName, List<ArrayNode> argsList, CallOptions options, JavaType type) {
    if (options.taskId != null) {
      throw new IllegalArgumentException("sendAll: a task id in the options would repeat; drop it");
    }
    Instant now = app.clock().instant();
    List<WireMessage> wires = new ArrayList<>(argsList.size());
    List<AsyncResult<T>> results = new ArrayList<>(argsList.size());
    List<OutgoingTask> outs = new ArrayList<>();
    Route route = route(options);
    for (ArrayNode args : argsList) {
      TaskMessage message = build(taskName, args, CeleryJson.object(), options);
      OutgoingTask out = before(message, route);
      if (out != null) {
        outs.add(out);
        message = withAddedHeaders(out);
      }
      wires.add(TaskMessageCodec.encode(message, now));
      results.add(app.resultOf(message.id(), type, null));
    }
    try {
      app.broker().publishAll(route.exchange(), route.routingKey(), wires);
    } catch (RuntimeException e) {
      outs.forEach(out -> listeners.afterPublish(out, e));
      throw e;
    }
    outs.forEach(out -> listeners.afterPublish(out, null));
    return results;
  }

  /** Sends a signature dict: its args, kwargs and options, overridden by {@code extra}. */
  <T> AsyncResult<T> send(Signature sig, CallOptions extra, JavaType type) {
    CallOptions o = fromSignature(sig.options());
    merge(o, extra);
    return send(sig.task(), sig.args(), sig.kwargs(), o, type);
  }

  /**
   * Celery signature options ({@code task_id, queue, priority, countdown, link...}) as CallOptions.
   */
  static CallOptions fromSignature(ObjectNode options) {
    CallOptions o = CallOptions.create();
    o.headers.putAll(Stamping.headers(options));
    o.taskId = text(options, "task_id");
    o.queue = text(options, "queue");
    if (options.hasNonNull("exchange")) {
      o.exchange = text(options, "exchange");
      o.routingKey = text(options, "routing_key");
    }
    if (options.hasNonNull("priority")) {
      o.priority = options.get("priority").asInt();
    }
    if (options.hasNonNull("countdown")) {
      o.countdown = Duration.ofMillis(Math.round(options.get("countdown").asDouble() * 1000));
    }
    if (options.hasNonNull("eta")) {
      o.eta = CeleryJson.parseInstant(options.get("eta").asText());
    }
    JsonNode expires = options.get("expires");
    if (expires != null && expires.isNumber()) {
      o.expiresIn = Duration.ofMillis(Math.round(expires.asDouble() * 1000));
    } else if (expires != null && expires.isTextual()) {
      o.expires = CeleryJson.parseInstant(expires.asText());
    }
    o.parentId = text(options, "parent_id");
    o.rootId = text(options, "root_id");
    if (options.hasNonNull("group_id")) {
      o.group = text(options, "group_id");
      o.groupIndex = options.hasNonNull("group_index") ? options.get("group_index").asInt() : null;
    }
    if (options.hasNonNull("ignore_result")) {
      o.ignoreResult = options.get("ignore_result").asBoolean();
    }
    if (options.hasNonNull("shadow")) {
      o.shadow = text(options, "shadow");
    }
    o.link.addAll(signatures(options.get("link")));
    o.linkError.addAll(signatures(options.get("link_error")));
    JsonNode headers = options.get("headers");
    if (headers != null && headers.isObject()) {
      headers
          .properties()
          .forEach(
              e ->
                  o.headers.put(
                      e.getKey(), CeleryJson.MAPPER.convertValue(e.getValue(), Object.class)));
    }
    return o;
  }

  static void merge(CallOptions into, CallOptions extra) {
    if (extra == null) {
      return;
    }
    CallOptions e = extra;
    if (e.taskId != null) into.taskId = e.taskId;
    if (e.queue != null) into.queue = e.queue;
    if (e.exchange != null) {
      into.exchange = e.exchange;
      into.routingKey = e.routingKey;
    }
    if (e.priority != null) into.priority = e.priority;
    if (e.countdown != null) into.countdown = e.countdown;
    if (e.eta != null) into.eta = e.eta;
    if (e.expires != null) into.expires = e.expires;
    if (e.expiresIn != null) into.expiresIn = e.expiresIn;
    if (e.parentId != null) into.parentId = e.parentId;
    if (e.rootId != null) into.rootId = e.rootId;
    if (e.group != null) {
      into.group = e.group;
      into.groupIndex = e.groupIndex;
    }
    if (e.ignoreResult != null) into.ignoreResult = e.ignoreResult;
    if (e.timeLimit != null) into.timeLimit = e.timeLimit;
    if (e.softTimeLimit != null) into.softTimeLimit = e.softTimeLimit;
    if (e.shadow != null) into.shadow = e.shadow;
    if (e.chain != null) into.chain = e.chain;
    if (e.chord != null) into.chord = e.chord;
    into.headers.putAll(e.headers);
    into.link.addAll(e.link);
    into.linkError.addAll(e.linkError);
  }

  private static List<Signature> signatures(JsonNode node) {
    List<Signature> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(Signature.fromJson(n)));
    } else {
      out.add(Signature.fromJson(node));
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Double seconds(Duration d) {
    return d == null ? null : d.toMillis() / 1000.0;
  }
}
