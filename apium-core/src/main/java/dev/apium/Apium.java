package dev.apium;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.internal.Hosts;
import dev.apium.listen.TaskListener;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Transports;
import dev.apium.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An Apium application: its settings, its tasks, and the broker and result backend it talks to
 * (opened on first use, shared by every client and worker thread of the app). Build one with {@link
 * #builder()}, register tasks, then send them ({@link #signature}, {@link #send}) or run a {@link
 * Worker}. Thread-safe. {@link #close()} closes the broker and backend.
 */
public final class Apium implements AutoCloseable {
  private final String name;
  private final ApiumConfig config;
  private volatile ResultDates resultDates;
  private final Clock clock;
  private final TaskRegistry registry;
  private final String oid = UUID.randomUUID().toString();
  private final String clientNodename = "gen" + ProcessHandle.current().pid() + "@" + Hosts.name();
  private final Publisher publisher;
  private final List<TaskListener> listeners;
  private volatile Broker broker;
  private volatile ResultBackend backend;
  private volatile Control control;
  private volatile MessageCodec codec;
  private dev.apium.beat.Beat.Builder beat;

  private Apium(Builder b) {
    this.name = b.name;
    this.config = b.loadFiles ? ApiumConfig.load(b.settings) : ApiumConfig.of(b.settings);
    this.clock = b.clock;
    this.registry =
        new TaskRegistry(
            config.getSeconds(ApiumConfig.TASK_SOFT_TIME_LIMIT, null),
            config.getSeconds(ApiumConfig.TASK_TIME_LIMIT, null));
    this.listeners = List.copyOf(b.listeners);
    this.publisher = new Publisher(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The listeners registered with {@link Builder#listener}: they watch every publish of this app
   * and the tasks of each of its workers.
   */
  public List<TaskListener> listeners() {
    return listeners;
  }

  public String name() {
    return name;
  }

  public ApiumConfig config() {
    return config;
  }

  /**
   * How this app writes {@code date_done} (the {@code timezone} setting; see {@link ResultDates}).
   */
  public ResultDates resultDates() {
    ResultDates dates = resultDates;
    if (dates == null) {
      dates = new ResultDates(config);
      resultDates = dates;
    }
    return dates;
  }

  public Clock clock() {
    return clock;
  }

  /** The process's reply-to id (Celery's {@code app.thread_oid}), sent in every task's reply_to. */
  public String oid() {
    return oid;
  }

  /** The reply_to sent with tasks: the backend's reply queue (rpc://) or else {@link #oid()}. */
  String replyTo() {
    return backend().replyTo().orElse(oid);
  }

  /** The client nodename written as {@code origin}, e.g. {@code gen1234@host}. */
  public String clientNodename() {
    return clientNodename;
  }

  public String brokerUrl() {
    return config.get(ApiumConfig.BROKER_URL, Defaults.BROKER);
  }

  public String backendUrl() {
    String url = config.get(ApiumConfig.RESULT_BACKEND);
    return url == null ? Defaults.backendFor(brokerUrl()) : url;
  }

  /**
   * The broker, connected on first use; a broker that is away fails that call at once, with the
   * server named. Workers, beats and the CLI connect through {@link #connect()} instead, which
   * retries at start-up.
   */
  public Broker broker() {
    return openBroker(false);
  }

  /**
   * Connects the broker now, retrying as Celery's {@code broker_connection_retry_on_startup} and
   * {@code broker_connection_max_retries} say (one line per attempt, a final one-line error), so a
   * worker, beat or command started before its broker waits for it. Returns this app.
   */
  public Apium connect() {
    openBroker(true);
    return this;
  }

  private Broker openBroker(boolean retry) {
    Broker b = broker;
    if (b == null) {
      synchronized (this) {
        if (broker == null) {
          String url = brokerUrl();
          Broker opened;
          if (retry) {
            opened =
                new StartupRetry(config).open("broker", url, () -> Transports.broker(url, config));
          } else {
            try {
              opened = Transports.broker(url, config);
            } catch (RuntimeException e) {
              throw Secrets.scrubbed(e, url);
            }
          }
          broker = codec().active() ? new CodecBroker(opened, codec()) : opened;
        }
        b = broker;
      }
    }
    return b;
  }

  /**
   * How task messages are signed, verified and bounded, from the settings ({@code
   * task_serializer=auth}, {@code security_*}, {@code message_max_*}); built on first use. {@link
   * #broker()} already applies it to every publish and delivery.
   */
  public MessageCodec codec() {
    MessageCodec c = codec;
    if (c == null) {
      synchronized (this) {
        if (codec == null) {
          codec = MessageCodec.of(config, clock.instant());
        }
        c = codec;
      }
    }
    return c;
  }

  /**
   * The result backend, connected on first use. Not retried, as in Celery (only the broker is, at
   * start-up): a backend that is away fails the call that needed it at once, with the server named.
   */
  public ResultBackend backend() {
    ResultBackend b = backend;
    if (b == null) {
      synchronized (this) {
        if (backend == null) {
          String url = backendUrl();
          try {
            backend = Transports.backend(url, config.with("broker_url", brokerUrl()));
          } catch (RuntimeException e) {
            throw Secrets.scrubbed(e, url);
          }
        }
        b = backend;
      }
    }
    return b;
  }

  // ---- registration ----

  /** Registers a lambda task under a name. */
  public Apium register(String taskName, TaskFunction function) {
    return register(taskName, TaskOptions.DEFAULTS, function);
  }

  public Apium register(String taskName, TaskOptions options, TaskFunction function) {
    registry.add(taskName, function, options);
    return this;
  }

  /** Registers a one-argument lambda: {@code app.register("t.sq", Integer.class, x -> x * x)}. */
  public <A> Apium register(String taskName, Class<A> a, Function<A, ?> function) {
    return register(taskName, call -> function.apply(call.arg(0, a)));
  }

  /** Registers a two-argument lambda. */
  public <A, B> Apium register(
      String taskName, Class<A> a, Class<B> b, BiFunction<A, B, ?> function) {
    return register(taskName, call -> function.apply(call.arg(0, a), call.arg(1, b)));
  }

  /** Registers every {@link Task}-annotated method of the object (or static ones of a class). */
  public Set<String> register(Object tasks) {
    return registry.addAnnotated(tasks);
  }

  /**
   * Registers the {@link Task} methods declared by {@code type}, invoked on {@code tasks}: an
   * instance of {@code type} or of a subclass that drops the annotations, such as a Spring CGLIB
   * proxy (calls then go through the proxy and its advice).
   */
  public Set<String> register(Object tasks, Class<?> type) {
    return registry.addAnnotated(tasks, type);
  }

  /** The registered task, or null. */
  public RegisteredTask task(String taskName) {
    return registry.get(taskName);
  }

  public Set<String> taskNames() {
    return registry.names();
  }

  // ---- calling ----

  /** A signature for a task by name, wherever it is defined (Java or Python). */
  public Signature signature(String taskName, Object... args) {
    return new Signature(this, dev.apium.protocol.Signature.of(taskName, args));
  }

  /**
   * Sends a task by name (Celery's {@code send_task}); the result converts to plain Java values.
   */
  public AsyncResult<Object> send(
      String taskName, List<?> args, Map<String, ?> kwargs, CallOptions options) {
    return publisher.send(
        taskName,
        toArgs(args),
        toKwargs(kwargs),
        options == null ? CallOptions.create() : options,
        type(Object.class));
  }

  /** Sends a task with positional args. */
  public AsyncResult<Object> send(String taskName, Object... args) {
    return send(taskName, List.of(args), Map.of(), null);
  }

  /**
   * Sends one call of a task per entry of {@code argsList} (positional args each), all with the
   * same options, in one batch: one round trip where the broker can pipeline (Redis), otherwise one
   * publish each. Results come back in the order of the list. The options must not name a task id.
   */
  public List<AsyncResult<Object>> sendAll(
      String taskName, List<? extends List<?>> argsList, CallOptions options) {
    List<ArrayNode> args = new ArrayList<>(argsList.size());
    argsList.forEach(a -> args.add(toArgs(a)));
    return publisher.sendAll(
        taskName, args, options == null ? CallOptions.create() : options, type(Object.class));
  }

  /** A handle on an existing task id. */
  public AsyncResult<Object> result(String taskId) {
    return new AsyncResult<>(this, taskId, type(Object.class), null);
  }

  public <T> AsyncResult<T> result(String taskId, Class<T> type) {
    return new AsyncResult<>(this, taskId, type(type), null);
  }

  /** A handle on an existing task id whose result converts to a generic type. */
  public <T> AsyncResult<T> result(String taskId, TypeReference<T> type) {
    return new AsyncResult<>(this, taskId, type(type), null);
  }

  <T> AsyncResult<T> send(
      String taskName, ArrayNode args, ObjectNode kwargs, CallOptions options, JavaType type) {
    return publisher.send(taskName, args, kwargs, options, type);
  }

  Publisher publisher() {
    return publisher;
  }

  <T> AsyncResult<T> resultOf(String taskId, JavaType type, AsyncResult<?> parent) {
    return new AsyncResult<>(this, taskId, type, parent, null);
  }

  <T> AsyncResult<T> resultOf(
      String taskId, JavaType type, AsyncResult<?> parent, CompletableFuture<Void> published) {
    return new AsyncResult<>(this, taskId, type, parent, published);
  }

  /** Remote control of the workers (Celery's {@code app.control}): ping, revoke, rate limits. */
  public Control control() {
    Control c = control;
    if (c == null) {
      synchronized (this) {
        if (control == null) {
          control = new Control(this);
        }
        c = control;
      }
    }
    return c;
  }

  // ---- workers ----

  /**
   * A worker for this app; configure it, then {@code start()}. Connects the broker first (retrying
   * at start-up as configured), so a worker started before its broker waits for it.
   */
  public Worker.Builder worker() {
    connect();
    return new Worker.Builder(this, new AppBridge(this));
  }

  /**
   * The app's beat schedule (Celery's {@code beat_schedule}): one builder per app, so entries added
   * here in code are what {@code apium beat} and {@code apium worker --beat} run, with those of the
   * schedule file. Add entries, then {@code build()} or {@code start()}.
   */
  public synchronized dev.apium.beat.Beat.Builder beat() {
    if (beat == null) {
      beat = dev.apium.beat.Beat.builder(this);
    }
    return beat;
  }

  JavaType type(Class<?> type) {
    return CeleryJson.MAPPER.getTypeFactory().constructType(type);
  }

  <T> JavaType type(TypeReference<T> type) {
    return CeleryJson.MAPPER.getTypeFactory().constructType(type);
  }

  static ArrayNode toArgs(List<?> args) {
    ArrayNode out = CeleryJson.array();
    if (args != null) {
      args.forEach(a -> out.add(CeleryJson.toTree(a)));
    }
    return out;
  }

  static ObjectNode toKwargs(Map<String, ?> kwargs) {
    ObjectNode out = CeleryJson.object();
    if (kwargs != null) {
      kwargs.forEach((k, v) -> out.set(k, CeleryJson.toTree(v)));
    }
    return out;
  }

  @Override
  public void close() {
    publisher.drain(Duration.ofSeconds(70));
    synchronized (this) {
      if (backend != null) {
        backend.close();
        backend = null;
      }
      if (broker != null) {
        broker.close();
        broker = null;
      }
    }
  }

  /** Builds an {@link Apium}; not thread-safe. */
  public static final class Builder {
    private String name = "apium";
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private boolean loadFiles = true;
    private final List<TaskListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Watches this app's publishes and the tasks of every worker it runs (see {@link
     * TaskListener}); listeners are called in the order they were added.
     */
    public Builder listener(TaskListener value) {
      if (value == null) {
        throw new IllegalArgumentException("listener: pass a TaskListener, not null");
      }
      listeners.add(value);
      return this;
    }

    public Builder name(String value) {
      name = value;
      return this;
    }

    /**
     * The broker URL, e.g. {@code redis://localhost:6379/0}, {@code amqp://...}, {@code memory://}.
     */
    public Builder broker(String url) {
      return config(ApiumConfig.BROKER_URL, url);
    }

    /** The result backend URL, e.g. {@code redis://localhost:6379/1}, {@code rpc://}. */
    public Builder backend(String url) {
      return config(ApiumConfig.RESULT_BACKEND, url);
    }

    /** Any setting by its Celery name. */
    public Builder config(String key, Object value) {
      settings.put(key, String.valueOf(value));
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    /** Ignore {@code apium.properties} and {@code APIUM_*} variables (tests). */
    public Builder withoutEnvironment() {
      loadFiles = false;
      return this;
    }

    public Apium build() {
      return new Apium(this);
    }
  }
}
