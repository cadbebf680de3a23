package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives real Python Celery 5.2.6 (Debian's {@code /usr/bin/python3}) for interop tests: starts a
 * {@code celery worker} on the test's broker and queue, and runs Python client snippets that print
 * one JSON value. The module {@code interop_tasks} (src/test/python) is importable as {@code t}
 * with its {@code app}. Used from test threads; {@link #close()} stops the worker.
 */
public final class PythonCelery implements AutoCloseable {
  public static final String PYTHON = "/usr/bin/python3";
  private static final Path MODULE_DIR = Path.of("src/test/python").toAbsolutePath();

  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Process> workers = new ArrayList<>();
  private final List<String> workerArgs = new ArrayList<>();
  private final Path logDir;
  private boolean heartbeat;

  /**
   * @param broker broker URL for the Python side
   * @param backend result backend URL
   * @param queue default queue name
   */
  public PythonCelery(String broker, String backend, String queue) {
    env.put("INTEROP_BROKER", broker);
    env.put("INTEROP_BACKEND", backend);
    env.put("INTEROP_QUEUE", queue);
    env.put("PYTHONPATH", MODULE_DIR.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    try {
      logDir = Files.createDirectories(Path.of("target", "python-logs"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether Debian's python3 with Celery is installed (bin/test installs it). */
  public static boolean available() {
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import celery").redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Extra {@code celery worker} arguments for the workers started next, e.g. {@code -E}. */
  public PythonCelery workerArgs(String... args) {
    workerArgs.addAll(List.of(args));
    return this;
  }

  /**
   * Lets the workers started next send {@code worker-heartbeat} events every 2 s (they start with
   * {@code --without-heartbeat} otherwise), for tests that watch workers stay online.
   */
  public PythonCelery withHeartbeat() {
    heartbeat = true;
    return this;
  }

  public PythonCelery env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /**
   * Starts {@code celery worker} consuming {@code queues} and waits until it is ready (its log says
   * "ready."). Returns the process so a test can kill it.
   */
  public Process startWorker(String nodename, int concurrency, String... queues)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON,
                "-m",
                "celery",
                "-A",
                "interop_tasks",
                "worker",
                "-P",
                "prefork",
                "-c",
                Integer.toString(concurrency),
                "-n",
                nodename,
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle"));
    if (!heartbeat) {
      command.add("--without-heartbeat");
    }
    command.addAll(workerArgs);
    if (queues.length > 0) {
      command.add("-Q");
      command.add(String.join(",", queues));
    }
    File log = logDir.resolve(nodename.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log").toFile();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    builder.directory(MODULE_DIR.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    workers.add(process);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
      if (text.contains(" ready.")) {
        return process;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Python celery worker exited early:\n" + text);
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("Python celery worker not ready after 60 s; log: " + log);
  }

  /**
   * Runs a Python snippet with {@code import interop_tasks as t; app = t.app} and Celery's classes
   * imported; the snippet's last statement must assign {@code out}, which is printed as JSON.
   */
  public JsonNode run(String snippet) throws IOException, InterruptedException {
    String program =
        String.join(
            "\n",
            "import json, sys, datetime",
            "import interop_tasks as t",
            "from celery import chain, group, chord, signature",
            "from celery.result import AsyncResult, GroupResult",
            "app = t.app",
            "out = None",
            snippet,
            "sys.stdout.write('\\n@@OUT@@' + json.dumps(out, default=str) + '\\n')");
    ProcessBuilder builder = new ProcessBuilder(PYTHON, "-c", program).redirectErrorStream(true);
    builder.directory(MODULE_DIR.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    int marker = text.lastIndexOf("@@OUT@@");
    if (process.exitValue() != 0 || marker < 0) {
      throw new AssertionError("Python client failed (exit " + process.exitValue() + "):\n" + text);
    }
    return CeleryJson.parse(text.substring(marker + 7).trim());
  }

  @Override
  public void close() {
    for (Process process : workers) {
      process.destroy();
    }
    for (Process process : workers) {
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
