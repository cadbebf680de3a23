package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.demo.Demo;
import dev.apium.examples.demo.DemoInputs;
import dev.apium.spi.TransportFactory;
import dev.apium.spi.Transports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code apium demo}: runs the two worked examples (image pipeline, flight-delay analysis) on input
 * it makes itself, with in-process workers on the embedded broker unless told otherwise, and prints
 * a summary and where the outputs are. Runs on the main thread.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the two worked examples: a distributed image pipeline and a parallel data analysis.",
      "With no options: in-process workers on the embedded broker, nothing to install.",
      "Across machines: ./apium worker -A dev.apium.examples.ExampleTasks -b URL on each worker,",
      "then ./apium demo -b URL --no-local-workers."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = {"-b", "--broker"},
      description = "Broker URL (default: broker_url, else the embedded SQLite file).")
  String broker;

  @Option(names = "--backend", description = "Result backend URL (default: as for the broker).")
  String backend;

  @Option(
      names = "--no-local-workers",
      description = "Start no workers here: run `apium worker -A dev.apium.examples.ExampleTasks`.")
  boolean noLocalWorkers;

  @Option(
      names = {"-w", "--workers"},
      defaultValue = "2",
      description = "In-process workers (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "2",
      description = "Threads per in-process worker (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--images",
      defaultValue = "12",
      description =
          "Pictures to make plus one corrupt; past 12 they repeat (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--rows",
      defaultValue = "200000",
      description = "Flights in the synthetic table (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = {"-o", "--out"},
      defaultValue = "apium-out",
      description = "Directory for inputs and outputs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description = "Seconds to wait for each batch (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(
      names = "--table",
      description = "Analyse your own table (.csv with a header, .jsonl, or a .json array).")
  Path table;

  @Option(
      names = "--measure",
      description =
          "With --table: a numeric column and its histogram, COLUMN:LOW:HIGH[:BINS]"
              + " (repeatable), e.g. delay:-60:240:30.")
  List<String> measures = new ArrayList<>();

  @Option(
      names = "--group-by",
      description =
          "With --table: a grouping, COLUMN[:value|floor|year|band:W] (repeatable),"
              + " e.g. time:floor.")
  List<String> groupings = new ArrayList<>();

  @Option(names = "--pictures", description = "Process your own folder of .png/.jpg pictures.")
  Path pictures;

  @Option(
      names = "--by-reference",
      description =
          "Send chunks and pictures as paths (and byte ranges) workers read themselves: only when"
              + " every worker sees the same files (one machine, NFS, a mounted bucket).")
  boolean byReference;

  @Option(
      names = "--chunk-rows",
      defaultValue = "5000",
      description = "Rows per analysis task inline (default: ${DEFAULT-VALUE}).")
  int chunkRows;

  @Option(
      names = "--chunk-bytes",
      defaultValue = "auto",
      description =
          "With --by-reference: bytes of table per analysis task, e.g. 8MiB, 512KiB or 1000000"
              + " (default: auto, 8MiB or less for tables under 128MiB so there are 16 tasks,"
              + " at least 1MiB).")
  String chunkBytes;

  @Option(
      names = "--window",
      defaultValue = "32",
      description = "Chunks or pictures in flight at most (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--only",
      description = "Run only one example: images or analysis (default: both).")
  String only;

  @Option(
      names = "--alone",
      description =
          "Compute the analysis in this process on one thread, no broker (a speed-up baseline).")
  boolean alone;

  @Option(
      names = "--inputs-only",
      description = "Write the synthetic inputs (--images, --rows) under --out/input and stop.")
  boolean inputsOnly;

  @Option(
      names = {"-l", "--loglevel"},
      defaultValue = "WARNING",
      description = "DEBUG, INFO, WARNING, ERROR (default: ${DEFAULT-VALUE}).")
  String loglevel;

  @Override
  public Integer call() {
    Logging.level(loglevel);
    if (inputsOnly) {
      System.out.println("Inputs written to " + Demo.writeInputs(out, images, rows));
      return 0;
    }
    if (only != null && !only.equals("images") && !only.equals("analysis")) {
      throw new IllegalArgumentException(
          "--only " + only + ": say --only images or --only analysis");
    }
    DemoInputs inputs =
        new DemoInputs(
            table,
            table == null ? null : Query.parse(measures, groupings),
            pictures,
            byReference,
            chunkRows,
            bytes(chunkBytes),
            window,
            !"images".equals(only),
            !"analysis".equals(only) && !alone,
            alone);
    Apium.Builder defaults = Apium.builder();
    if (broker != null) {
      defaults.broker(broker);
    }
    if (backend != null) {
      defaults.backend(backend);
    }
    String brokerUrl;
    String backendUrl;
    try (Apium configured = defaults.build()) {
      brokerUrl = configured.brokerUrl();
      backendUrl = configured.backendUrl();
    }
    if (broker == null && !available(brokerUrl)) {
      System.out.println(
          "(no transport for " + brokerUrl + " on the classpath: using memory:// for the demo)");
      brokerUrl = "memory://apium-demo";
      backendUrl = brokerUrl;
    }
    if (noLocalWorkers && !alone && brokerUrl.startsWith("memory:")) {
      throw new IllegalArgumentException(
          "--no-local-workers needs a broker other processes can reach, e.g. -b"
              + " redis://localhost:6379/0; memory:// lives inside this process");
    }
    Demo.Report report =
        Demo.run(
            new Demo.Options(
                brokerUrl,
                backendUrl,
                noLocalWorkers ? 0 : workers,
                threads,
                images,
                rows,
                out,
                Duration.ofSeconds(timeout),
                System.console() != null,
                inputs),
            System.out);
    print(report);
    return 0;
  }

  private static void print(Demo.Report report) {
    System.out.printf(
        "%nDone in %.3f s: %d tasks in %.3f s of batches (%.1f tasks/s), %d failed%s%n",
        report.seconds(),
        report.tasks(),
        report.batchSeconds(),
        report.tasks() / report.batchSeconds(),
        report.failures().size(),
        report.failures().isEmpty() ? "" : " (the corrupt picture, on purpose):");
    report.failures().forEach(failure -> System.out.println("  " + failure));
    System.out.println(report.finding());
    System.out.println("Outputs:");
    for (Path output : report.outputs()) {
      System.out.println("  " + Path.of("").toAbsolutePath().relativize(output.toAbsolutePath()));
    }
  }

  private static boolean available(String url) {
    String scheme = Transports.scheme(url);
    for (TransportFactory factory : ServiceLoader.load(TransportFactory.class)) {
      if (factory.schemes().contains(scheme)) {
        return true;
      }
    }
    return false;
  }

  /** "8MiB", "512KiB", "2GiB" or a plain number of bytes; "auto" is 0. */
  static long bytes(String text) {
    if (text.equalsIgnoreCase("auto")) {
      return 0;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*(|b|k|kib|kb|m|mib|mb|g|gib|gb)\\s*")
            .matcher(text);
    if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
      throw new IllegalArgumentException(
          "--chunk-bytes " + text + ": say a size such as 8MiB, 512KiB or 1000000");
    }
    int shift =
        switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
          case "k", "kib", "kb" -> 10;
          case "m", "mib", "mb" -> 20;
          case "g", "gib", "gb" -> 30;
          default -> 0;
        };
    return Long.parseLong(m.group(1)) << shift;
  }
}
