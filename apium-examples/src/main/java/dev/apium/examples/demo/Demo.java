package dev.apium.examples.demo;

import dev.apium.Apium;
import dev.apium.examples.ExampleTasks;
import dev.apium.examples.analysis.Analysis;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.analysis.Stats;
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
import java.nio.file.Files;
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
      boolean terminal,
      DemoInputs inputs) {

    /** The synthetic inputs. */
    public Options(
        String broker,
        String backend,
        int localWorkers,
        int threads,
        int images,
        int rows,
        Path out,
        Duration timeout,
        boolean terminal) {
      this(
          broker,
          backend,
          localWorkers,
          threads,
          images,
          rows,
          out,
          timeout,
          terminal,
          DemoInputs.SYNTHETIC);
    }
  }

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

  /**
   * Writes the synthetic inputs (pictures, flights) under {@code out/input}; returns that folder.
   */
  public static Path writeInputs(Path out, int images, int rows) {
    Path input = out.resolve("input");
    DemoImages.write(input.resolve("images"), images);
    DemoFlights.write(input.resolve("flights.json"), rows);
    return input;
  }

  public static Report run(Options options, PrintStream console) {
    long start = System.nanoTime();
    DemoInputs in = options.inputs();
    Path input = options.out().resolve("input");
    List<Path> files =
        !in.images()
            ? List.of()
            : in.pictures() != null
                ? DemoInputs.pictureFiles(in.pictures())
                : DemoImages.write(input.resolve("images"), options.images());
    Path table =
        !in.analysis()
            ? null
            : in.table() != null
                ? in.table()
                : DemoFlights.write(input.resolve("flights.json"), options.rows());
    Query query = in.query() != null ? in.query() : FLIGHTS;
    console.printf(
        "Apium demo: broker %s, backend %s, %s%n",
        Transports.mask(options.broker()),
        Transports.mask(options.backend()),
        in.alone()
            ? "no workers: the analysis computed alone in this process"
            : options.localWorkers() > 0
                ? options.localWorkers() + " local workers × " + options.threads() + " threads"
                : "workers elsewhere (./apium worker -A dev.apium.examples.ExampleTasks)");
    console.printf(
        "Input: %s and %s, %s%n",
        in.pictures() != null
            ? files.size() + " pictures from " + in.pictures()
            : files.size() + " pictures (1 deliberately corrupt)",
        table == null ? "no table" : in.table() != null ? "table " + table : "flights " + table,
        in.byReference() ? "by reference (workers read shared storage)" : "inline");
    if (in.alone()) {
      return alone(options, table, query, start);
    }
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
      List<ImageOutcome> outcomes =
          files.isEmpty() ? List.of() : images(client, files, options, console);
      Summary summary = table == null ? null : analyse(client, table, query, options, console);
      double batchSeconds = (System.nanoTime() - batches) / 1e9;
      List<Path> outputs = write(outcomes, summary, options);
      int tasks =
          outcomes.stream().mapToInt(ImageOutcome::tasks).sum()
              + (summary == null ? 0 : chunks(table, summary.rows(), in) + 1);
      double seconds = (System.nanoTime() - start) / 1e9;
      List<String> failures =
          outcomes.stream()
              .filter(o -> !o.ok())
              .map(o -> o.input().name() + ": " + o.error())
              .toList();
      return new Report(tasks, seconds, batchSeconds, failures, finding(summary), outputs);
    } finally {
      workers.forEach(w -> w.stop(Duration.ofSeconds(10)));
      apps.forEach(Apium::close);
    }
  }

  /** The analysis chunks sent: byte windows by reference, {@code chunkRows} rows inline. */
  private static int chunks(Path table, long rows, DemoInputs in) {
    if (!in.byReference()) {
      return (int) ((rows + in.chunkRows() - 1) / in.chunkRows());
    }
    try {
      long bytes = Analysis.chunkBytes(table, in.chunkBytes());
      return (int) ((Files.size(table) + bytes - 1) / bytes);
    } catch (java.io.IOException e) {
      return 0; // only for the report's task count
    }
  }

  private static Report alone(Options options, Path table, Query query, long start) {
    long begin = System.nanoTime();
    Summary summary = Analysis.alone(table, query);
    double seconds = (System.nanoTime() - begin) / 1e9;
    List<Path> outputs = write(List.of(), summary, options);
    return new Report(
        0, (System.nanoTime() - start) / 1e9, seconds, List.of(), finding(summary), outputs);
  }

  private static Apium open(Options options) {
    return Apium.builder().broker(options.broker()).backend(options.backend()).build();
  }

  private static List<ImageOutcome> images(
      Apium client, List<Path> files, Options options, PrintStream console) {
    DemoInputs in = options.inputs();
    Path store = options.out().resolve("store");
    java.util.function.Function<Path, Picture> load =
        in.byReference() ? file -> Picture.reference(file, store) : Picture::inline;
    try (ConsoleProgress progress =
        new ConsoleProgress("images", "pictures", files.size(), console, options.terminal())) {
      return new ImageBatch(client, ContactSheet.TILE)
          .stream(files, load, in.window(), ContactSheet.MAX_CARDS, options.timeout(), progress);
    }
  }

  private static Summary analyse(
      Apium client, Path table, Query query, Options options, PrintStream console) {
    DemoInputs in = options.inputs();
    try (ConsoleProgress progress =
        new ConsoleProgress(
            "analysis", "tasks", "rows", options.rows(), console, options.terminal())) {
      return new Analysis(client, query, in.chunkRows())
          .byReference(in.byReference())
          .chunkBytes(in.chunkBytes())
          .window(in.window())
          .run(table, options.timeout(), progress);
    }
  }

  private static List<Path> write(List<ImageOutcome> outcomes, Summary summary, Options options) {
    Path out = options.out();
    List<Path> written = new ArrayList<>();
    if (!outcomes.isEmpty()) {
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
      written.add(sheet);
    }
    if (summary != null) {
      boolean flights = summary.query().equals(FLIGHTS);
      Query.Measure measure = summary.query().measures().get(0);
      if (!summary.query().keys().isEmpty()) {
        Query.Key key = summary.query().keys().get(0);
        Path chart = out.resolve(flights ? "delays-by-hour.png" : "chart.png");
        SummaryChart.write(summary, key.name(), measure.column(), flights ? "minutes" : "", chart);
        written.add(chart);
      }
      Path csv = out.resolve(flights ? "delays.csv" : "summary.csv");
      SummaryFiles.writeCsv(summary, csv);
      Path json = out.resolve(flights ? "delays.json" : "summary.json");
      SummaryFiles.writeJson(summary, json);
      written.add(csv);
      written.add(json);
    }
    return written;
  }

  private static String finding(Summary summary) {
    if (summary == null) {
      return "";
    }
    if (summary.query().equals(FLIGHTS)) {
      return worstHour(summary);
    }
    Query.Measure m = summary.query().measures().get(0);
    Stats all = summary.overall().get(m.column());
    return all == null
        ? String.format("%,d rows, no values in column '%s'", summary.rows(), m.column())
        : String.format(
            "%,d rows: %s mean %.4g (sd %.4g), min %s, max %s over %,d values",
            summary.rows(), m.column(), all.mean(), all.stddev(), all.min(), all.max(), all.n());
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
