package dev.apium.bench;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
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
   * One client for every {@code bench.io} call: keep-alive connections, HTTP/1.1 as the peers. Made
   * on the first call, so the other workloads' workers (and their idle RSS) carry no HTTP client
   * and its selector thread.
   */
  private static final class Http {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public void accept(Apium app) {
    // Per-task INFO lines off, as bench_tasks.py does for celery.app.trace and
    // celery.worker.strategy: the bench measures the queue, not the log appender.
    for (String name : new String[] {"dev.apium.worker.received", "dev.apium.worker.trace"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    TaskOptions fireAndForget = TaskOptions.DEFAULTS.withIgnoreResult(true);
    app.register(NOOP, fireAndForget, call -> null);
    app.register(ADD, Integer.class, Integer.class, Integer::sum);
    app.register(MARK, fireAndForget, call -> mark(call.arg(0, String.class)));
    app.register(IO, fireAndForget, call -> get(call.arg(0, String.class)));
  }

  /** The I/O-bound task: one GET on bench/run's slow local HTTP server (it answers after 50 ms). */
  private static Object get(String url) {
    try {
      HttpResponse<Void> response =
          Http.CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + url, e);
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
