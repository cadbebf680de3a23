package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a running task knows about itself (Celery's {@code self.request}): ids, name, arguments,
 * retries, workflow ids, ETA and expiry, the worker's hostname, delivery info and headers; and what
 * it can do: store a custom state such as PROGRESS, or ask to be retried. One instance per
 * execution, used on the pool thread running the task; {@link #current()} finds it from there.
 */
public final class TaskContext {
  private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

  private final Apium app;
  private final TaskMessage message;
  private final String hostname;
  private final String queue;
  private final String exchange;
  private final String routingKey;
  private final boolean redelivered;
  private volatile Map<String, Object> properties = Map.of();
  private final Trail trail = new Trail();
  private volatile java.util.function.BooleanSupplier softExceeded = () -> false;
  private volatile java.util.function.Supplier<? extends RuntimeException> softLimitError;

  TaskContext(
      Apium app,
      TaskMessage message,
      String hostname,
      String queue,
      String exchange,
      String routingKey,
      boolean redelivered) {
    this.app = app;
    this.message = message;
    this.hostname = hostname;
    this.queue = queue;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.redelivered = redelivered;
  }

  /** The context of the task running on this thread, or null outside a task. */
  public static TaskContext current() {
    return CURRENT.get();
  }

  static void bind(TaskContext context) {
    if (context == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(context);
    }
  }

  public String id() {
    return message.id();
  }

  public String name() {
    return message.task();
  }

  public ArrayNode args() {
    return message.args();
  }

  public ObjectNode kwargs() {
    return message.kwargs();
  }

  public int retries() {
    return message.retries();
  }

  public String rootId() {
    return message.rootId();
  }

  public String parentId() {
    return message.parentId();
  }

  public String groupId() {
    return message.group();
  }

  public Integer groupIndex() {
    return message.groupIndex();
  }

  public Instant eta() {
    return message.eta();
  }

  public Instant expires() {
    return message.expires();
  }

  /** The worker's nodename, e.g. {@code apium@host}. */
  public String hostname() {
    return hostname;
  }

  public String queue() {
    return queue;
  }

  public String exchange() {
    return exchange;
  }

  public String routingKey() {
    return routingKey;
  }

  public boolean redelivered() {
    return redelivered;
  }

  public String replyTo() {
    return message.replyTo();
  }

  /** Custom headers sent with the task. */
  public Map<String, Object> headers() {
    return message.extraHeaders();
  }

  /**
   * True once the soft time limit has passed (the thread was also interrupted): clean up and
   * return, or throw {@link #checkSoftTimeLimit()}.
   */
  public boolean softTimeLimitExceeded() {
    return softExceeded.getAsBoolean();
  }

  /** Throws {@link SoftTimeLimitExceeded} when the soft time limit has passed; else returns. */
  public void checkSoftTimeLimit() {
    if (softExceeded.getAsBoolean()) {
      throw softLimitError.get();
    }
  }

  /** The message priority (0-9). */
  public int priority() {
    return message.priority();
  }

  /**
   * Celery's {@code request.delivery_info}: {@code exchange}, {@code routing_key}, {@code
   * priority}, {@code redelivered}.
   */
  public Map<String, Object> deliveryInfo() {
    Map<String, Object> info = new java.util.LinkedHashMap<>();
    info.put("exchange", exchange);
    info.put("routing_key", routingKey);
    info.put("priority", message.priority());
    info.put("redelivered", redelivered);
    return info;
  }

  /**
   * Celery's {@code request.properties}: the message's transport properties as the broker carried
   * them, e.g. {@code correlation_id}, {@code reply_to}, {@code delivery_mode}, {@code priority},
   * {@code app_id} (and on Redis kombu's {@code delivery_info}, {@code body_encoding}...).
   */
  public Map<String, Object> properties() {
    return properties;
  }

  /** What this task sent so far (Celery's {@code request.children}). */
  Trail trail() {
    return trail;
  }

  /** Set by the worker before the task runs: the delivered message's properties. */
  void properties(Map<String, Object> value) {
    properties = value == null ? Map.of() : value;
  }

  /** Set by the worker before the task runs: the soft time limit's flag and its error. */
  void softTimeLimit(
      java.util.function.BooleanSupplier exceeded,
      java.util.function.Supplier<? extends RuntimeException> error) {
    softLimitError = error;
    softExceeded = exceeded;
  }

  /** The decoded message, for advanced uses (canvas, retries). */
  public TaskMessage message() {
    return message;
  }

  public Apium app() {
    return app;
  }

  /**
   * Stores a custom state with its meta (Celery's {@code update_state}), e.g. {@code
   * updateState("PROGRESS", Map.of("current", 40, "total", 100))}; {@link AsyncResult#state()} and
   * {@link AsyncResult#info()} show it.
   */
  public void updateState(String state, Object meta) {
    JsonNode json = CeleryJson.toTree(meta);
    app.backend().storeFor(ResultMeta.state(id(), state, json), message.replyTo());
  }

  /**
   * Reports progress as Celery's conventional PROGRESS state: {@code {current, total, percent}}.
   */
  public void progress(long current, long total) {
    ObjectNode meta = CeleryJson.object();
    meta.put("current", current);
    meta.put("total", total);
    meta.put("percent", total == 0 ? 100.0 : 100.0 * current / total);
    updateState("PROGRESS", meta);
  }

  /**
   * Asks the worker to run this task again after {@code countdown}, with {@code retries + 1}; throw
   * what it returns: {@code throw context.retry(Duration.ofSeconds(5), e);}. When the task has used
   * its retries the worker stores FAILURE with {@code cause} (or MaxRetriesExceededError).
   */
  public RetryRequest retry(Duration countdown, Throwable cause) {
    return new RetryRequest(countdown, null, cause);
  }

  /**
   * Asks the worker to run this task again after {@code countdown}, with no exception behind it
   * (e.g. a resource is not ready yet): {@code throw context.retry(Duration.ofSeconds(30));}. Past
   * its retries the task fails with MaxRetriesExceededError.
   */
  public RetryRequest retry(Duration countdown) {
    if (countdown == null || countdown.isNegative()) {
      throw new IllegalArgumentException(
          "retry countdown must be zero or more, got "
              + countdown
              + ": e.g. Duration.ofSeconds(5)");
    }
    return new RetryRequest(countdown, null, null);
  }

  /** Retry with the task's default delay. */
  public RetryRequest retry(Throwable cause) {
    return new RetryRequest(null, null, cause);
  }

  /**
   * Replaces this task with another task, chain or group (Celery's {@code replace}): the
   * replacement takes this task's id, callbacks, chain and chord membership, so the caller's {@link
   * AsyncResult} ends with the replacement's result. Sends it, then throws {@link TaskReplaced}:
   * write {@code throw context.replace(sig);}.
   */
  public TaskReplaced replace(Canvas replacement) {
    throw Replacement.replace(this, replacement);
  }

  /**
   * Adds a task to the chord this header task belongs to (Celery's {@code add_to_chord}): the body
   * then waits for it too and gets its result after the others.
   *
   * @throws IllegalStateException when this task is not a chord header task
   */
  public AsyncResult<Object> addToChord(Canvas task) {
    return Replacement.addToChord(this, task);
  }

  /** Retry at a given instant. */
  public RetryRequest retryAt(Instant eta, Throwable cause) {
    return new RetryRequest(null, eta, cause);
  }
}
