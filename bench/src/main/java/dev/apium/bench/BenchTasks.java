package dev.apium.bench;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The benchmark's tasks, with the same names and behaviour as {@code bench/celery/bench_tasks.py}
 * and {@code bench/node/bench.mjs}: {@code bench.noop} (ignore_result), {@code bench.add} and
 * {@code bench.mark} (writes the wall clock, epoch seconds, to a file: the drain timer) and {@code
 * bench.io} (one GET on the bench's slow local HTTP server: the I/O-bound workload). Loaded by
 * {@code apium worker -A dev.apium.bench.BenchTasks} and by the bench client; registration happens
 * once on the main thread, the tasks run on worker threads and hold no state.
 */
public final class BenchTasks implements Consumer<Apium> {
  static final String NOOP = "bench.noop";
  static final String ADD = "bench.add";
  static final String MARK = "bench.mark";
  static final String IO = "bench.io";

  /**
   * Idle keep-alive connections {@code HttpURLConnection} keeps per server (the JDK's default is
   * 5): as many as the I/O-bound row runs at once ({@code -c 100}), as Celery's gevent pool keeps
   * one {@code http.client} connection per greenlet.
   */
  static final String KEEP_ALIVE_CONNECTIONS = "100";

  @Override
  public void accept(Apium app) {
    // Per-task INFO lines off, as bench_tasks.py does for celery.app.trace and
    // celery.worker.strategy: the bench measures the queue, not the log appender.
    for (String name : new String[] {"dev.apium.worker.received", "dev.apium.worker.trace"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    System.setProperty("http.maxConnections", KEEP_ALIVE_CONNECTIONS);
    TaskOptions fireAndForget = TaskOptions.DEFAULTS.withIgnoreResult(true);
    app.register(NOOP, fireAndForget, call -> null);
    app.register(ADD, Integer.class, Integer.class, Integer::sum);
    app.register(MARK, fireAndForget, call -> mark(call.arg(0, String.class)));
    app.register(IO, fireAndForget, call -> get(call.arg(0, String.class)));
  }

  /**
   * The I/O-bound task: one GET on bench/run's slow local HTTP server (it answers after 50 ms),
   * with the JDK's blocking {@code HttpURLConnection}, the counterpart of Celery's {@code
   * http.client}: the body read to its end and closed, so the connection goes back to the
   * keep-alive cache.
   */
  private static Object get(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      int status = connection.getResponseCode();
      try (InputStream body =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      if (status != 200) {
        throw new IllegalStateException("GET " + url + " answered " + status);
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object mark(String path) {
    try {
      Path target = Path.of(path);
      Path tmp = Path.of(path + ".tmp");
      // The worker's own CPU time at the mark (bench/tools/drain): exact whatever the machine does.
      java.lang.management.OperatingSystemMXBean os =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean jvm) {
        Files.writeString(Path.of(path + ".cpu"), String.valueOf(jvm.getProcessCpuTime()));
      }
      Files.writeString(tmp, String.valueOf(System.currentTimeMillis() / 1000.0));
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
