package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.spi.Threads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
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
 * trained too), runs a few tasks through it with results (at most 30 s: what is loaded by then
 * still makes an archive), and exits. Not a user command: its main thread sends and waits, the
 * worker runs on one daemon thread and its own pool.
 */
public final class ClassDataTraining {
  /** The resource beside this class that names the classes to load. */
  static final String CLASS_LIST = "startup-classes.txt";

  static final String TASK = "apium.training.echo";
  private static final String BROKER = "memory://apium-class-data-training";
  private static final int TASKS = 50;

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    preload(ClassDataTraining.class.getClassLoader());
    Thread worker =
        new Thread(
            () ->
                ApiumCommand.commandLine()
                    .execute(
                        "worker",
                        "-A",
                        Tasks.class.getName(),
                        "-b",
                        BROKER,
                        "--backend",
                        BROKER,
                        "-c",
                        "4",
                        "-E",
                        "-l",
                        "WARNING"),
            "apium-training-worker");
    worker.setDaemon(true);
    worker.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Apium client = Apium.builder().broker(BROKER).backend(BROKER).build()) {
      for (int i = 0; i < TASKS; i++) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        client.signature(TASK, Map.of("n", i, "name", "training")).delay(Map.class).get(left);
      }
    } catch (RuntimeException e) {
      // The classes loaded so far make a good archive still: say why (the launcher keeps this
      // output beside the archive) and exit normally.
      System.err.println("training stopped early: " + e);
      Threads.printAll(System.err);
    }
    // Exit here: the archive is written as the JVM exits, the worker thread needs no stop.
    System.exit(0);
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
    }
  }
}
