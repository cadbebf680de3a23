package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.dashboard.Dashboard;
import dev.apium.dashboard.DashboardSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium dashboard}: serves the live web dashboard (workers, tasks, queues, dead letters,
 * actions) for every worker, Python or Java, on the broker, until interrupted (or for {@code
 * --duration} seconds). Runs on the main thread, which waits while Javalin's threads serve.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Serve a live web dashboard of workers and tasks (like Flower).")
final class DashboardCommand implements Callable<Integer> {
  @Mixin AppOptions app;

  @Option(names = "--port", defaultValue = "5555", description = "HTTP port (0 = any free).")
  int port;

  @Option(names = "--address", defaultValue = "127.0.0.1", description = "Address to listen on.")
  String address;

  @Option(
      names = "--auth",
      description =
          "user:password (basic auth and the login form) or a token; without it no action is"
              + " allowed. Also APIUM_DASHBOARD_AUTH.")
  String auth;

  @Option(names = "--read-only", description = "Refuse every action, even with credentials.")
  boolean readOnly;

  @Option(
      names = "--history",
      defaultValue = "10000",
      description = "Tasks kept in memory (the oldest is dropped).")
  int history;

  @Option(
      names = {"-Q", "--queues"},
      split = ",",
      description = "Queues whose depth to show besides those the workers consume.")
  List<String> queues = List.of();

  @Option(
      names = "--schedule",
      paramLabel = "FILE",
      description =
          "Beat schedule file (as for `apium beat`) whose entries, last and next runs and leader the"
              + " Beat page shows.")
  Path schedule;

  @Option(
      names = "--beat-name",
      description = "Name of the beat to show (default: the app's name, as `apium beat` uses).")
  String beatName;

  @Option(names = "--duration", description = "Stop after this many seconds (default: never).")
  Double duration;

  @Override
  public Integer call() throws InterruptedException {
    String credentials = auth != null ? auth : System.getenv("APIUM_DASHBOARD_AUTH");
    DashboardSettings settings =
        new DashboardSettings(address, port, credentials, readOnly, history);
    try (Apium apium = app.build();
        Dashboard dashboard =
            Dashboard.start(
                apium,
                settings,
                queues,
                beatName,
                schedule == null ? List.of() : apium.beat().file(schedule).entries())) {
      System.out.println(
          "apium dashboard on http://"
              + address
              + ":"
              + dashboard.port()
              + "/ watching "
              + apium.broker().describe()
              + (readOnly ? " (read-only)" : credentials == null ? " (no --auth: actions off)" : "")
              + "; Ctrl-C to stop");
      System.out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      if (duration == null) {
        stop.await();
      } else {
        stop.await(Math.round(duration * 1000), TimeUnit.MILLISECONDS);
      }
    }
    return 0;
  }
}
