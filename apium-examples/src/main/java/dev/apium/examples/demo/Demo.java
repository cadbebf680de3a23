package dev.apium.examples.demo;

import dev.apium.Apium;
import dev.apium.examples.ExampleTasks;
import dev.apium.examples.analysis.Analysis;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.analysis.Summary;
import dev.apium.examples.analysis.SummaryChart;
import dev.apium.examples.analysis.SummaryFiles;
import dev.apium.examples.images.ContactSheet;
import dev.apium.examples.images.ImageBatch;
import dev.apium.examples.images.ImageOutcome;
import dev.apium.examples.images.Picture;
import dev.apium.spi.Transports;
import dev.apium.worker.Worker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo behind {@code ./apium demo}: makes its own input (pictures and a flights table), starts
 * in-process workers unless told that workers run elsewhere, runs both examples against the broker
 * and prints what happened and where the outputs are. Runs on the caller's thread; workers and
 * connections are stopped before {@link #run} returns.
 */
public final class Demo {
  /** Delays by hour of day and by distance band. */
  public static final Query FLIGHTS =
      new Query(
          List.of(new Query.Measure("delay", -60, 240, 30)),
          List.of(
              new Query.Key("hour", "time", "floor"),
              new Query.Key("distance band", "distance", "band:500")));

  /**
   * What to run.
   *
   * @param broker broker URL
   * @param backend result backend URL
   * @param localWorkers how many in-process workers to start (0: workers run elsewhere)
   * @param threads tasks each local worker runs at once
   * @param images pictures to make (at most 12) besides the broken one
   * @param rows flights in the table
   * @param out directory for inputs and outputs
   * @param timeout how long to wait for each batch
   * @param terminal draw live progress bars
   */
  public record Options(
      String broker,
      String backend,
      int localWorkers,
      int threads,
      int images,
      int rows,
      Path out,
      Duration timeout,
      boolean terminal) {}

  /**
   * What the demo did.
   *
   * @param tasks tasks run (a failed picture stops its chain early)
   * @param seconds the whole demo, input making included
   * @param batchSeconds from sending the first batch to the last result
   * @param failures one line per failed picture
   * @param finding one line about the flights
   * @param outputs the files written
   */
  public record Report(
      int tasks,
      double seconds,
      double batchSeconds,
      List<String> failures,
      String finding,
      List<Path> outputs) {}

  private Demo() {}

  public static Report run(Options options, PrintStream console) {
    long start = System.nanoTime();
    Path input = options.out().resolve("input");
    List<Path> files = DemoImages.write(input.resolve("images"), options.images());
    Path table = DemoFlights.write(input.resolve("flights.json"), options.rows());
    console.printf(
        "Apium demo: broker %s, backend %s, %s%n",
        Transports.mask(options.broker()),
        Transports.mask(options.backend()),
        options.localWorkers() > 0
            ? options.localWorkers() + " local workers × " + options.threads() + " threads"
            : "workers elsewhere (./apium worker -A dev.apium.examples.ExampleTasks)");
    console.printf(
        "Input: %d pictures (1 deliberately corrupt) and %,d flights in %s%n",
        files.size(), options.rows(), input);
    List<Worker> workers = new ArrayList<>();
    List<Apium> apps = new ArrayList<>();
    try {
      for (int i = 1; i <= options.localWorkers(); i++) {
        Apium app = ExampleTasks.register(open(options));
        apps.add(app);
        workers.add(
            app.worker().concurrency(options.threads()).nodename("demo" + i + "@local").start());
      }
      Apium client = open(options);
      apps.add(client);
      long batches = System.nanoTime();
      List<ImageOutcome> outcomes = images(client, files, options, console);
      Summary flights = flights(client, table, options, console);
      double batchSeconds = (System.nanoTime() - batches) / 1e9;
      List<Path> outputs = write(outcomes, flights, options);
      int tasks =
          outcomes.stream().mapToInt(ImageOutcome::tasks).sum()
              + (int) ((flights.rows() + 4_999) / 5_000)
              + 1;
      double seconds = (System.nanoTime() - start) / 1e9;
      List<String> failures =
          outcomes.stream()
              .filter(o -> !o.ok())
              .map(o -> o.input().name() + ": " + o.error())
              .toList();
      return new Report(tasks, seconds, batchSeconds, failures, worstHour(flights), outputs);
    } finally {
      workers.forEach(w -> w.stop(Duration.ofSeconds(10)));
      apps.forEach(Apium::close);
    }
  }

  private static Apium open(Options options) {
    return Apium.builder().broker(options.broker()).backend(options.backend()).build();
  }

  private static List<ImageOutcome> images(
      Apium client, List<Path> files, Options options, PrintStream console) {
    List<Picture> pictures = files.stream().map(Picture::inline).toList();
    try (ConsoleProgress progress =
        new ConsoleProgress("images", "pictures", pictures.size(), console, options.terminal())) {
      return new ImageBatch(client, ContactSheet.TILE).run(pictures, options.timeout(), progress);
    }
  }

  private static Summary flights(Apium client, Path table, Options options, PrintStream console) {
    long expected = (options.rows() + 4_999) / 5_000 + 1L;
    try (ConsoleProgress progress =
        new ConsoleProgress("analysis", "tasks", expected, console, options.terminal())) {
      return new Analysis(client, FLIGHTS, 5_000).run(table, options.timeout(), progress);
    }
  }

  private static List<Path> write(List<ImageOutcome> outcomes, Summary flights, Options options) {
    Path out = options.out();
    long failed = outcomes.stream().filter(o -> !o.ok()).count();
    Path sheet = out.resolve("contact-sheet.png");
    ContactSheet.write(
        outcomes,
        "Apium demo: grayscale → thumbnail → histogram",
        String.format(
            "%d pictures, %d ok, %d failed · each card: original, worker's grayscale thumbnail,"
                + " gray-level histogram, time per step",
            outcomes.size(), outcomes.size() - failed, failed),
        sheet);
    Path chart = out.resolve("delays-by-hour.png");
    SummaryChart.write(flights, "hour", "delay", "minutes", chart);
    Path csv = out.resolve("delays.csv");
    SummaryFiles.writeCsv(flights, csv);
    Path json = out.resolve("delays.json");
    SummaryFiles.writeJson(flights, json);
    return List.of(sheet, chart, csv, json);
  }

  private static String worstHour(Summary flights) {
    return flights.groups().get("hour").entrySet().stream()
        .filter(e -> e.getValue().get("delay").n() >= 100)
        .max(java.util.Comparator.comparingDouble(e -> e.getValue().get("delay").mean()))
        .map(
            e ->
                String.format(
                    "worst hour to fly: %s:00, mean delay %.1f min (sd %.1f) over %,d flights",
                    e.getKey(),
                    e.getValue().get("delay").mean(),
                    e.getValue().get("delay").stddev(),
                    e.getValue().get("delay").n()))
        .orElse("");
  }
}
