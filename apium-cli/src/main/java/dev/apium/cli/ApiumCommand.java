package dev.apium.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code apium} command: a Celery-shaped CLI whose subcommands run workers, send tasks and read
 * results. Entry point of the launcher script; runs on the main thread.
 */
@Command(
    name = "apium",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    versionProvider = VersionProvider.class,
    description = "Apium: a Celery-compatible distributed task queue for the JVM.",
    subcommands = {
      WorkerCommand.class,
      BeatCommand.class,
      CallCommand.class,
      ResultCommand.class,
      InspectCommand.class,
      ControlCommand.class,
      StatusCommand.class,
      PurgeCommand.class,
      EventsCommand.class,
      DashboardCommand.class,
      DemoCommand.class,
      DeadCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ApiumCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** -A, -b, --backend, --config given before the subcommand, as Celery's {@code celery -A x}. */
  @CommandLine.Mixin AppOptions app;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ApiumCommand());
    cli.setExecutionExceptionHandler(
        (error, commandLine, parseResult) -> {
          commandLine.getErr().println("apium: " + oneLine(error));
          return 2;
        });
    return cli;
  }

  static String oneLine(Throwable error) {
    Throwable e = error;
    while (e.getCause() != null
        && (e.getMessage() == null || e instanceof java.lang.reflect.InvocationTargetException)) {
      e = e.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
