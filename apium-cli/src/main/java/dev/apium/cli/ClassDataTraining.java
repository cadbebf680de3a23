package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.TaskOptions;
import dev.apium.spi.Threads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The training run behind the {@code ./apium} launcher's class-data archive (AppCDS): the launcher
 * runs this class once per JVM after it builds the CLI, under {@code
 * -XX:ArchiveClassesAtExit=<file>}, and later starts every command with {@code
 * -XX:SharedArchiveFile=<file>}, so a worker maps its classes, already parsed and verified, instead
 * of loading them one by one from ~90 jars (on JDK 25+ under {@code -XX:AOTCacheOutput}: an AOT
 * cache, which also keeps this run's method profiles, so what it runs is what gets compiled early).
 * Classes enter the archive when this JVM loads them, so the run loads what a worker start loads:
 * it first loads, without initialising, the classes of {@value #CLASS_LIST} (the classes a Redis
 * worker loaded up to its first task, listed by {@code bench/tools/startup-classes}; the ones not
 * on this classpath are skipped), then starts the CLI's {@code worker} command on the in-JVM {@code
 * memory://} broker, which needs no server, with task events on ({@code -E}, so their writer is
 * trained too), runs a few tasks through it with results; then, when a redis-server is installed,
 * the same on a private one ({@link TrainingRedis}) with enough tasks, with results and fire and
 * forget, for the Redis transport's hot paths to be profiled (a new Redis worker then drains about
 * a fifth faster, docs/benchmarks.md); at most 30 s in all (what is loaded by then still makes an
 * archive), and exits. Not a user command: its main thread sends and waits, each worker runs on a
 * daemon thread and its own pool.
 */
public final class ClassDataTraining {
  /** The resource beside this class that names the classes to load. */
  static final String CLASS_LIST = "startup-classes.txt";

  static final String TASK = "apium.training.echo";
  static final String NOOP = "apium.training.noop";
  private static final String BROKER = "memory://apium-class-data-training";
  private static final int TASKS = 50;

  /** Echo tasks with results on the training's own Redis. */
  private static final int REDIS_TASKS = 5_000;

  /** Fire-and-forget tasks on the training's own Redis (a drain's hot path). */
  private static final int REDIS_NOOPS = 20_000;

  /** The training workers' name: the events switch is sent to it and returns on its reply. */
  private static final String HOSTNAME = "training@apium";

  /** How long the switch of task events on is waited for at most. */
  private static final Duration EVENTS_SWITCH = Duration.ofSeconds(1);

  /** Results waited for together; fire-and-forget tasks sent together. */
  private static final int WAVE = 256;

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    preload(ClassDataTraining.class.getClassLoader());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try {
      try (Apium client = startWorker(BROKER, BROKER, true)) {
        run(client, TASKS, 0, deadline);
      }
      Optional<TrainingRedis> redis = TrainingRedis.start();
      if (redis.isPresent()) {
        // Half with task events off (a worker's default), half with them on: both ways through
        // the worker's event sites are profiled, so neither meets code compiled for the other.
        try (Apium client = startWorker(redis.get().url(0), redis.get().url(1), false)) {
          run(client, REDIS_TASKS / 2, REDIS_NOOPS / 2, deadline);
          if (client.control().events(true, List.of(HOSTNAME), EVENTS_SWITCH).isEmpty()) {
            System.err.println("training: the Redis worker did not switch task events on");
          }
          run(client, REDIS_TASKS / 2, REDIS_NOOPS / 2, deadline);
        }
        System.err.println(
            "training: the Redis transport trained on a private redis-server ("
                + (REDIS_TASKS + REDIS_NOOPS)
                + " tasks)");
      }
    } catch (RuntimeException e) {
      // The classes loaded so far make a good archive still: say why (the launcher keeps this
      // output beside the archive) and exit normally.
      System.err.println("training stopped early: " + e);
      Threads.printAll(System.err);
    }
    // Exit here: the archive is written as the JVM exits; the worker threads need no stop, the
    // training's redis-server is stopped by its shutdown hook.
    System.exit(0);
  }

  /**
   * Starts the CLI's {@code worker} command on {@code broker} (task events on when {@code events}),
   * on a daemon thread, and returns a client of the same broker.
   */
  private static Apium startWorker(String broker, String backend, boolean events) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "-A",
                Tasks.class.getName(),
                "-b",
                broker,
                "--backend",
                backend,
                "-n",
                HOSTNAME,
                "-c",
                "4",
                "-l",
                "WARNING"));
    if (events) {
      args.add("-E");
    }
    Thread worker =
        new Thread(
            () -> ApiumCommand.commandLine().execute(args.toArray(String[]::new)),
            "apium-training-worker");
    worker.setDaemon(true);
    worker.start();
    return Apium.builder().broker(broker).backend(backend).build();
  }

  /**
   * Sends {@code tasks} echo tasks in waves of {@value #WAVE} and waits for their results, then
   * {@code noops} fire-and-forget tasks in batches and one more echo behind them; by {@code
   * deadline} at most.
   */
  private static void run(Apium client, int tasks, int noops, long deadline) {
    List<AsyncResult<Map>> wave = new ArrayList<>(WAVE);
    for (int i = 0; i < tasks; i++) {
      wave.add(client.signature(TASK, Map.of("n", i, "name", "training")).delay(Map.class));
      if (wave.size() == WAVE || i == tasks - 1) {
        for (AsyncResult<Map> result : wave) {
          result.get(left(deadline));
        }
        wave.clear();
      }
    }
    List<List<?>> batch = Collections.nCopies(WAVE, List.of());
    for (int sent = 0; sent < noops; sent += WAVE) {
      client.sendAll(NOOP, batch.subList(0, Math.min(WAVE, noops - sent)), null);
    }
    if (noops > 0) { // behind the fire-and-forget tasks: most of them have run when it has
      client
          .signature(TASK, Map.of("n", noops, "name", "last"))
          .delay(Map.class)
          .get(left(deadline));
    }
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /**
   * Loads (without initialising) every class {@value #CLASS_LIST} names that {@code loader} can
   * find; returns how many it loaded.
   */
  static int preload(ClassLoader loader) throws IOException {
    int loaded = 0;
    try (InputStream in = ClassDataTraining.class.getResourceAsStream(CLASS_LIST)) {
      if (in == null) {
        return 0;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError absent) {
          // Another version of a library, or a transport that is not on this classpath.
        }
      }
    }
    return loaded;
  }

  /** The training run's one task, registered by {@code -A}: echoes its argument as JSON. */
  public static final class Tasks implements Consumer<Apium> {
    @Override
    public void accept(Apium app) {
      app.register(TASK, Map.class, argument -> argument);
      app.register(NOOP, TaskOptions.DEFAULTS.withIgnoreResult(true), call -> null);
    }
  }
}
