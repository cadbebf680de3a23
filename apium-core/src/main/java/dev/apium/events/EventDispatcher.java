package dev.apium.events;

import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Celery monitoring events on the {@code celeryev} exchange exactly as Celery 5.2.6's {@code
 * EventDispatcher}: every event carries {@code hostname, utcoffset, pid, clock} (a Lamport clock
 * owned here), its fields, then {@code timestamp} and {@code type}; the routing key is the type
 * with {@code -} turned into {@code .}; headers {@code {"hostname": ...}}, delivery_mode 1. On
 * Redis the broker turns this into {@code PUBLISH /<db>.celeryev/<routing key>}, on RabbitMQ into a
 * publish to the topic exchange {@code celeryev}. A worker's task events are buffered and sent as
 * lists on {@code task.multi} (at most 24 per message), as Celery's worker does with its event loop
 * on both brokers; worker events and client events are sent at once. Thread-safe: engine threads
 * call {@link #send}; a daemon thread flushes the task buffer; {@link #close()} flushes what is
 * left and stops it.
 */
public final class EventDispatcher implements AutoCloseable {
  /** Celery's event exchange. */
  public static final String EXCHANGE = "celeryev";

  static final int BUFFER_LIMIT = 24;

  /** Task events waiting beyond this many are dropped (a monitor lagging must not eat memory). */
  static final int BUFFER_CAPACITY = 100_000;

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final Broker broker;
  private final String hostname;
  private final Clock clock;
  private final long pid = ProcessHandle.current().pid();
  private final int utcoffset;
  private final AtomicLong lamport = new AtomicLong();
  private final BlockingQueue<Map<String, Object>> buffer;
  private final Thread flusher;
  private volatile boolean taskEvents;
  private volatile boolean closed;
  private volatile long lastFailureLog;

  /**
   * @param taskEvents whether {@code task-*} events are sent ({@code -E}); worker events always are
   * @param batchTaskEvents buffer task events and send them as {@code task.multi} (a worker)
   */
  public EventDispatcher(
      Broker broker, String hostname, Clock clock, boolean taskEvents, boolean batchTaskEvents) {
    this.broker = broker;
    this.hostname = hostname;
    this.clock = clock;
    this.taskEvents = taskEvents;
    this.utcoffset = utcoffset();
    if (batchTaskEvents) {
      buffer = new LinkedBlockingQueue<>(BUFFER_CAPACITY);
      flusher = new Thread(this::flushLoop, "apium-events");
      flusher.setDaemon(true);
      flusher.start();
    } else {
      buffer = null;
      flusher = null;
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
    boolean task = type.startsWith("task-");
    if (closed || (task && !taskEvents)) {
      return;
    }
    Map<String, Object> event = event(type, fields);
    if (task && buffer != null) {
      if (!buffer.offer(event)) {
        logFailure(type, "the broker does not keep up; " + BUFFER_CAPACITY + " events wait");
      }
    } else {
      publish(type.replace('-', '.'), event);
    }
  }

  /** An event body as Celery builds it: common fields, the event's, {@code timestamp, type}. */
  Map<String, Object> event(String type, Map<String, Object> fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("hostname", hostname);
    event.put("utcoffset", utcoffset);
    event.put("pid", pid);
    event.put("clock", lamport.incrementAndGet());
    event.putAll(fields);
    java.time.Instant now = clock.instant();
    event.put("timestamp", now.getEpochSecond() + (now.getNano() / 1000) / 1e6);
    event.put("type", type);
    return event;
  }

  private void publish(String routingKey, Object body) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("hostname", hostname);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", 1);
    properties.put("priority", 0);
    try {
      broker.publishFanout(
          EXCHANGE, routingKey, WireMessage.json(headers, properties, CeleryJson.writeBytes(body)));
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

  private void flushLoop() {
    List<Map<String, Object>> batch = new ArrayList<>(BUFFER_LIMIT);
    while (!closed || !buffer.isEmpty()) {
      try {
        Map<String, Object> first = buffer.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        buffer.drainTo(batch, BUFFER_LIMIT - 1);
        publish("task.multi", List.copyOf(batch));
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Sends buffered task events and stops the flusher (waits up to 5 s). */
  @Override
  public void close() {
    closed = true;
    if (flusher != null) {
      try {
        flusher.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
