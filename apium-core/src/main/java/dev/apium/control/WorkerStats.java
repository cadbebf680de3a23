package dev.apium.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.events.WorkerEvents;
import dev.apium.protocol.CeleryJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bigger inspect replies in Celery 5.2.6's shapes: {@code stats} ({@code total, pid, clock,
 * uptime, pool, broker, prefetch_count, rusage}, plus {@code jvm} and {@code events}: whether task
 * events are on and how many were dropped because the broker fell behind), {@code conf}, {@code
 * report} and the queue dicts of {@code active_queues}. {@code rusage} comes from {@code
 * /proc/self} where there is one (Linux), else from the JVM's MXBeans. Stateless.
 */
final class WorkerStats {
  private static final double TICKS_PER_SECOND = 100.0;

  private WorkerStats() {}

  static JsonNode of(WorkerView w) {
    ObjectNode o = CeleryJson.object();
    ObjectNode total = o.putObject("total");
    new TreeMap<>(w.totals()).forEach(total::put);
    o.put("pid", ProcessHandle.current().pid());
    o.put("clock", Long.toString(w.events().clockValue()));
    o.put("uptime", w.uptime().toSeconds());
    ObjectNode pool = o.putObject("pool");
    pool.put("max-concurrency", w.poolSize());
    pool.putArray("processes").add(ProcessHandle.current().pid());
    pool.put("max-tasks-per-child", "N/A");
    pool.put("put-guarded-by-semaphore", false);
    pool.putArray("timeouts").add(0).add(0);
    pool.put("implementation", "apium:threads");
    o.set("broker", broker(w.brokerUrl()));
    o.put("prefetch_count", w.prefetchCount());
    o.set("rusage", rusage());
    o.set("jvm", jvm());
    ObjectNode events = o.putObject("events");
    events.put("task_events", w.events().taskEventsEnabled());
    events.put("dropped", w.events().droppedEvents());
    return o;
  }

  /** Celery's {@code connection.info()}: the parts of the broker URL, without the password. */
  static ObjectNode broker(String url) {
    ObjectNode b = CeleryJson.object();
    URI uri = URI.create(url == null ? "memory://" : url);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    String userInfo = uri.getUserInfo();
    b.put("hostname", uri.getHost() == null ? "localhost" : uri.getHost());
    b.put("userid", userInfo == null ? null : userInfo.split(":", 2)[0]);
    String path = uri.getPath() == null ? "" : uri.getPath();
    String vhost = path.startsWith("/") ? path.substring(1) : path;
    b.put("virtual_host", vhost.isEmpty() ? (scheme.startsWith("amqp") ? "/" : "0") : vhost);
    b.put("port", uri.getPort() > 0 ? uri.getPort() : defaultPort(scheme));
    b.put("insist", false);
    b.put("ssl", scheme.endsWith("s"));
    b.put("transport", scheme.startsWith("amqp") ? "amqp" : scheme.replace("rediss", "redis"));
    b.put("connect_timeout", 4);
    b.putObject("transport_options");
    b.putNull("login_method");
    b.putNull("uri_prefix");
    b.put("heartbeat", 120.0);
    b.put("failover_strategy", "round-robin");
    b.putArray("alternates");
    return b;
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "redis", "rediss" -> 6379;
      case "amqp" -> 5672;
      case "amqps" -> 5671;
      default -> 0;
    };
  }

  static ObjectNode rusage() {
    ObjectNode r = CeleryJson.object();
    double utime = 0;
    double stime = 0;
    long maxrss = 0;
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      utime = Long.parseLong(f[11]) / TICKS_PER_SECOND;
      stime = Long.parseLong(f[12]) / TICKS_PER_SECOND;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          maxrss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        utime = os.getProcessCpuTime() / 1e9;
      }
      maxrss = Runtime.getRuntime().totalMemory() / 1024;
    }
    r.put("utime", utime);
    r.put("stime", stime);
    r.put("maxrss", maxrss);
    return r;
  }

  private static ObjectNode jvm() {
    ObjectNode j = CeleryJson.object();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    j.put("version", Runtime.version().toString());
    j.put("heap_used", memory.getHeapMemoryUsage().getUsed());
    j.put("heap_max", memory.getHeapMemoryUsage().getMax());
    j.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    return j;
  }

  /** {@code inspect conf}: the settings set explicitly, URLs with their password masked. */
  static JsonNode conf(WorkerView w) {
    ObjectNode o = CeleryJson.object();
    new TreeMap<>(w.conf()).forEach((k, v) -> o.put(k, mask(v)));
    return o;
  }

  static String mask(String value) {
    if (value == null) {
      return null;
    }
    return value.replaceAll("(://[^:/@]*:)[^@/]+@", "$1********@");
  }

  /** {@code report}'s text, laid out as Celery's {@code app.bugreport()}. */
  static String report(WorkerView w) {
    StringBuilder s = new StringBuilder("\n");
    s.append("software -> apium:").append(WorkerEvents.version());
    s.append(" java:").append(Runtime.version()).append('\n');
    s.append("platform -> system:").append(System.getProperty("os.name"));
    s.append(" arch:").append(System.getProperty("os.arch"));
    s.append("\n            kernel version:").append(System.getProperty("os.version"));
    s.append(" imp:").append(System.getProperty("java.vm.name")).append('\n');
    s.append("loader   -> dev.apium\n");
    String scheme = URI.create(w.brokerUrl() == null ? "memory://" : w.brokerUrl()).getScheme();
    s.append("settings -> transport:").append(scheme);
    s.append(" results:").append(mask(w.backendDescription())).append("\n\n");
    for (Map.Entry<String, String> e : new TreeMap<>(w.conf()).entrySet()) {
      s.append(e.getKey()).append(": '").append(mask(e.getValue())).append("'\n");
    }
    return s.toString();
  }

  /** A queue dict as {@code active_queues} shows it (kombu {@code Queue.as_dict(recurse=True)}). */
  static ObjectNode queue(String name) {
    ObjectNode q = CeleryJson.object();
    q.put("name", name);
    ObjectNode ex = q.putObject("exchange");
    ex.put("name", name);
    ex.put("type", "direct");
    ex.putNull("arguments");
    ex.put("durable", true);
    ex.put("passive", false);
    ex.put("auto_delete", false);
    ex.putNull("delivery_mode");
    ex.put("no_declare", false);
    q.put("routing_key", name);
    q.putNull("queue_arguments");
    q.putNull("binding_arguments");
    q.putNull("consumer_arguments");
    q.put("durable", true);
    q.put("exclusive", false);
    q.put("auto_delete", false);
    q.put("no_ack", false);
    q.putNull("alias");
    q.putArray("bindings");
    q.putNull("no_declare");
    q.putNull("expires");
    q.putNull("message_ttl");
    q.putNull("max_length");
    q.putNull("max_length_bytes");
    q.putNull("max_priority");
    return q;
  }
}
