package dev.apium.events;

import dev.apium.protocol.JsonBytes;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Celery monitoring events on the {@code celeryev} exchange exactly as Celery 5.2.6's {@code
 * EventDispatcher}: every event carries {@code hostname, utcoffset, pid, clock} (a Lamport clock
 * owned here), its fields, then {@code timestamp} and {@code type}; the routing key is the type
 * with {@code -} turned into {@code .}; headers {@code {"hostname": ...}}, delivery_mode 1. On
 * Redis the broker turns this into {@code PUBLISH /<db>.celeryev/<routing key>}, on RabbitMQ into a
 * publish to the topic exchange {@code celeryev}. A worker's task events are sent as lists on
 * {@code task.multi} (at most 24 per message), as Celery's worker does on both brokers: the calling
 * thread only stamps the event (clock, time) and queues it with a supplier of its fields, without
 * waking anyone while the writer is busy; the writer thread ({@code apium-events}) builds the
 * fields (reprs included), writes the JSON with a streaming generator and publishes, gathering what
 * arrives within {@link #LINGER_MILLIS} so that a busy worker sends full batches, and keeps one
 * round in flight while it writes the next. Worker events and client events are sent at once on the
 * caller's thread. Thread-safe; {@link #close()} flushes what is queued and stops the writer.
 */
public final class EventDispatcher implements AutoCloseable {
  /** Celery's event exchange. */
  public static final String EXCHANGE = "celeryev";

  static final int BUFFER_LIMIT = 24;

  /** Task events waiting beyond this many are dropped (a monitor lagging must not eat memory). */
  static final int BUFFER_CAPACITY = 10_000;

  /** {@code task.multi} messages sent in one pipelined round. */
  static final int MESSAGES_PER_ROUND = 32;

  /** How long the writer gathers task events before it sends them (a monitor's delay at most). */
  static final long LINGER_MILLIS = 10;

  /** How long the writer waits for the broker to take a round before it gives up on it. */
  static final long IN_FLIGHT_TIMEOUT_SECONDS = 30;

  private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final Broker broker;
  private final String hostname;
  private final Clock clock;
  private final long pid = ProcessHandle.current().pid();
  private final AtomicLong lamport = new AtomicLong();
  private final ConcurrentLinkedQueue<Pending> queue;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private final Map<String, Object> headers;
  private volatile boolean writerIdle;
  private volatile boolean taskEvents;
  private volatile boolean closed;
  private volatile long lastFailureLog;

  /** The round the broker has not yet confirmed (writer thread only). */
  private CompletableFuture<Void> inFlight = SENT;

  /**
   * An event stamped on the sending thread (clock, time in µs), its fields written on the writer's.
   */
  private record Pending(String type, long clock, long micros, EventFields fields) {}

  /** The writer thread's body buffer, kept between messages (reset, not reallocated). */
  private final JsonBytes bodyBuffer = new JsonBytes(16 * 1024);

  /** {@code {"hostname":...,"utcoffset":...,"pid":...,"clock":}, the same for every event. */
  private final byte[] commonFields;

  private static final byte[] TIMESTAMP = ",\"timestamp\":".getBytes(StandardCharsets.US_ASCII);
  private static final JsonBytes.Name TYPE = JsonBytes.Name.of("type");
  private static final Map<String, byte[]> TYPE_TAILS = new ConcurrentHashMap<>();

  /**
   * @param taskEvents whether {@code task-*} events are sent ({@code -E}); worker events always are
   * @param batchTaskEvents queue task events and send them as {@code task.multi} (a worker)
   */
  public EventDispatcher(
      Broker broker, String hostname, Clock clock, boolean taskEvents, boolean batchTaskEvents) {
    this.broker = broker;
    this.hostname = hostname;
    this.clock = clock;
    this.taskEvents = taskEvents;
    this.commonFields = commonFields(hostname, utcoffset(), pid);
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("hostname", hostname);
    this.headers = java.util.Collections.unmodifiableMap(h);
    if (batchTaskEvents) {
      queue = new ConcurrentLinkedQueue<>();
      writer = new Thread(this::writeLoop, "apium-events");
      writer.setDaemon(true);
      writer.start();
    } else {
      queue = null;
      writer = null;
    }
  }

  /** Celery's {@code utcoffset()}: {@code time.timezone // 3600}, hours WEST of UTC (0 in UTC). */
  static int utcoffset() {
    TimeZone zone = TimeZone.getDefault();
    int eastMillis = zone.getOffset(System.currentTimeMillis());
    return Math.floorDiv(-eastMillis / 1000, 3600);
  }

  public String hostname() {
    return hostname;
  }

  /** The current value of this dispatcher's Lamport clock. */
  public long clockValue() {
    return lamport.get();
  }

  /** Task events dropped so far because {@link #BUFFER_CAPACITY} were already waiting. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Whether {@code task-*} events are sent now. */
  public boolean taskEventsEnabled() {
    return taskEvents;
  }

  /**
   * Turns task events on or off ({@code enable_events} / {@code disable_events}); the old value.
   */
  public boolean taskEvents(boolean enabled) {
    boolean was = taskEvents;
    taskEvents = enabled;
    return was;
  }

  /**
   * Sends one event. {@code fields} keep their order and go between the common fields and {@code
   * timestamp, type}. Task events are dropped while task events are off. Never throws: a broker
   * failure is logged (at most once a minute) and the event is lost, as an event is.
   */
  public void send(String type, Map<String, Object> fields) {
    send(type, EventFields.of(fields));
  }

  /**
   * Sends one event whose fields are written when its JSON is: on the writer thread for a worker's
   * task events, so the task's thread never formats reprs or JSON. The fields must read only values
   * that do not change afterwards.
   */
  public void send(String type, EventFields fields) {
    boolean task = type.startsWith("task-");
    if (task && (closed || !taskEvents)) {
      return;
    }
    Pending event = new Pending(type, lamport.incrementAndGet(), micros(), fields);
    if (task && queue != null) {
      enqueue(event);
    } else {
      publish(type.replace('-', '.'), g -> writeEvent(g, event));
    }
  }

  /**
   * Sends one worker event and waits at most {@code within} for the broker to take it: a worker's
   * last word ({@code worker-offline}) must not hold its shutdown for a command timeout while the
   * broker is down. Not taken in time, it is logged and dropped; monitors then see the worker
   * offline when its heartbeats stop, as after a crash.
   */
  public void sendWithin(String type, Map<String, Object> fields, java.time.Duration within) {
    // Sent as any worker event, from a thread of its own: a transport whose publish blocks while
    // it reconnects (RabbitMQ waits for its connection's recovery) must not hold the caller.
    if (!Threads.finishesWithin("apium-events-last", within, () -> send(type, fields))
        && !Thread.currentThread().isInterrupted()) {
      logFailure(
          type.replace('-', '.'), "the broker did not take it within " + within.toMillis() + " ms");
    }
  }

  /** Now, in microseconds since the epoch (Celery's {@code time.time()}, to the microsecond). */
  private long micros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private void enqueue(Pending event) {
    if (queued.incrementAndGet() > BUFFER_CAPACITY) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      logFailure(event.type(), "the broker does not keep up; " + BUFFER_CAPACITY + " events wait");
      return;
    }
    queue.offer(event);
    if (writerIdle) {
      writerIdle = false;
      LockSupport.unpark(writer);
    }
  }

  private static byte[] commonFields(String hostname, int utcoffset, long pid) {
    JsonBytes out = new JsonBytes(128);
    out.startObject();
    out.field(JsonBytes.Name.of("hostname"), hostname);
    out.field(JsonBytes.Name.of("utcoffset"), utcoffset);
    out.field(JsonBytes.Name.of("pid"), pid);
    out.fieldName(JsonBytes.Name.of("clock"));
    return out.toByteArray();
  }

  /** Writes one event: the common fields, its own, {@code timestamp} and {@code type}. */
  private void writeEvent(JsonBytes out, Pending event) {
    out.put(commonFields);
    out.number(event.clock());
    out.continueObject();
    event.fields().write(out);
    out.put(TIMESTAMP);
    out.decimal(event.micros(), 6);
    out.put(typeTail(event.type()));
  }

  /** {@code ,"type":"<type>"}} as bytes, made once per type. */
  private static byte[] typeTail(String type) {
    return TYPE_TAILS.computeIfAbsent(
        type,
        t -> {
          JsonBytes tail = new JsonBytes(32);
          tail.continueObject();
          tail.field(TYPE, t);
          tail.endObject();
          return tail.toByteArray();
        });
  }

  private interface JsonBody {
    void write(JsonBytes out);
  }

  /** The wire message of one body, or null (logged) if it could not be written. */
  private WireMessage message(String routingKey, JsonBody body) {
    return message(routingKey, body, new JsonBytes(512));
  }

  private WireMessage message(String routingKey, JsonBody body, JsonBytes out) {
    byte[] json;
    try {
      out.reset();
      body.write(out);
      json = out.toByteArray();
    } catch (RuntimeException e) {
      logFailure(routingKey, "could not write it: " + e);
      return null;
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", 1);
    properties.put("priority", 0);
    return WireMessage.json(headers, properties, json);
  }

  private void publish(String routingKey, JsonBody body) {
    WireMessage message = message(routingKey, body);
    if (message == null) {
      return;
    }
    try {
      broker.publishFanout(EXCHANGE, routingKey, message);
    } catch (RuntimeException e) {
      logFailure(routingKey, e.getMessage());
    }
  }

  private void logFailure(String what, String why) {
    long now = System.nanoTime();
    if (now - lastFailureLog > TimeUnit.MINUTES.toNanos(1)) {
      lastFailureLog = now;
      log.warn("Monitoring event {} not sent on {}: {}", what, broker.describe(), why);
    }
  }

  /**
   * The writer thread: sleeps while nothing is queued; else gathers for {@link #LINGER_MILLIS}
   * unless a batch is already full, then sends everything queued as {@code task.multi} messages of
   * at most {@link #BUFFER_LIMIT} events, pipelined (one round trip for up to {@link
   * #MESSAGES_PER_ROUND} messages, and one round in flight while the next is written).
   */
  private void writeLoop() {
    List<Pending> batch = new ArrayList<>(BUFFER_LIMIT);
    List<WireMessage> round = new ArrayList<>(MESSAGES_PER_ROUND);
    while (true) {
      if (queue.isEmpty()) {
        if (closed) {
          awaitInFlight();
          return;
        }
        writerIdle = true;
        if (queue.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        writerIdle = false;
        continue;
      }
      if (!closed && queued.get() < BUFFER_LIMIT) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS));
      }
      Pending next;
      while ((next = queue.poll()) != null) {
        queued.decrementAndGet();
        batch.add(next);
        if (batch.size() == BUFFER_LIMIT) {
          addBatch(batch, round);
          if (round.size() == MESSAGES_PER_ROUND) {
            sendRound(round);
          }
        }
      }
      addBatch(batch, round);
      sendRound(round);
    }
  }

  private void addBatch(List<Pending> batch, List<WireMessage> round) {
    if (batch.isEmpty()) {
      return;
    }
    WireMessage message = message("task.multi", g -> writeArray(g, batch), bodyBuffer);
    if (message == null && batch.size() > 1) {
      // One event's fields could not be written: send the others without it.
      List<Pending> writable = batch.stream().filter(this::writable).toList();
      message = message("task.multi", g -> writeArray(g, writable), bodyBuffer);
    }
    if (message != null) {
      round.add(message);
    }
    batch.clear();
  }

  private void writeArray(JsonBytes out, List<Pending> events) {
    out.put((byte) '[');
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.put((byte) ',');
      }
      writeEvent(out, events.get(i));
    }
    out.put((byte) ']');
  }

  /** Whether the event can be written on its own (logged when it cannot). */
  private boolean writable(Pending event) {
    return message(event.type(), g -> writeEvent(g, event)) != null;
  }

  /**
   * Hands a round to the broker once the previous one has been taken: one round in flight while the
   * next is written, so the writer seldom waits for a reply and never runs ahead of the broker.
   */
  private void sendRound(List<WireMessage> round) {
    if (round.isEmpty()) {
      return;
    }
    awaitInFlight();
    try {
      inFlight = broker.publishFanoutAllAsync(EXCHANGE, "task.multi", List.copyOf(round));
    } catch (RuntimeException e) {
      logFailure("task.multi", e.getMessage());
    }
    round.clear();
  }

  /** Waits for the round in flight (a failure is logged: those events are lost). */
  private void awaitInFlight() {
    try {
      inFlight.get(IN_FLIGHT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      logFailure("task.multi", e.getCause().getMessage());
    } catch (TimeoutException e) {
      logFailure("task.multi", "no reply within " + IN_FLIGHT_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inFlight = SENT;
  }

  /** Sends queued task events and stops the writer (waits up to 5 s). */
  @Override
  public void close() {
    closed = true;
    if (writer != null) {
      LockSupport.unpark(writer);
      try {
        writer.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long lost = dropped.get();
    if (lost > 0) {
      log.warn(
          "{} task events were dropped: the broker did not take them as fast as tasks ran", lost);
    }
  }
}
