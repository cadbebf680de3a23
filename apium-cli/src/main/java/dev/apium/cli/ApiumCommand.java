package dev.apium.cli;

import java.util.Arrays;
import java.util.List;
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
    description = "Apium: a Celery-compatible distributed task queue for the JVM.")
public final class ApiumCommand implements Runnable {
  /** The subcommands, in the order {@code apium --help} lists them. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
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
          CommandLine.HelpCommand.class);

  /** Lettuce's switch for its JFR connection events. */
  static final String LETTUCE_JFR = "io.lettuce.core.jfr";

  static {
    // Lettuce registers its JFR connection events whenever the JDK has JFR, recording or not:
    // that loads ~100 of JFR's classes and has JFR write an event handler class for each event
    // with its bytecode library, on the start's critical path (worker start to first task, five
    // interleaved pairs: 2.1-2.35 s with, 1.7-1.9 s without). The CLI's processes leave it off
    // unless the user asks for it (-Dio.lettuce.core.jfr=true in APIUM_JAVA_OPTS); an application
    // that embeds Apium keeps Lettuce's own default.
    if (System.getProperty(LETTUCE_JFR) == null) {
      System.setProperty(LETTUCE_JFR, "false");
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** -A, -b, --backend, --config given before the subcommand, as Celery's {@code celery -A x}. */
  @CommandLine.Mixin AppOptions app;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The configured command line with every subcommand, as tests and {@code apium --help} use it.
   */
  public static CommandLine commandLine() {
    return configured(SUBCOMMANDS);
  }

  /**
   * The command line for these arguments: with only the subcommand they name, when one of their
   * words is a subcommand's name, so that a start does not build the reflective model of the other
   * twelve (a tenth of a worker's start); with all of them otherwise. Should the arguments not
   * parse that way (a mistake, {@code help worker}), they are parsed again with every subcommand,
   * so the user sees exactly what the full command says.
   */
  static CommandLine commandLine(String... args) {
    Class<?> named = namedSubcommand(args);
    if (named == null) {
      return commandLine();
    }
    CommandLine cli = configured(List.of(named));
    cli.setParameterExceptionHandler(
        (error, arguments) -> {
          CommandLine full = commandLine();
          full.setOut(cli.getOut());
          full.setErr(cli.getErr());
          return full.execute(arguments);
        });
    return cli;
  }

  /** The first subcommand (other than {@code help}) one of the arguments names, or null. */
  static Class<?> namedSubcommand(String... args) {
    for (String arg : args) {
      for (Class<?> sub : SUBCOMMANDS) {
        Command command = sub.getAnnotation(Command.class);
        if (sub != CommandLine.HelpCommand.class
            && (command.name().equals(arg) || Arrays.asList(command.aliases()).contains(arg))) {
          return sub;
        }
      }
    }
    return null;
  }

  private static CommandLine configured(List<Class<?>> subcommands) {
    CommandLine cli = new CommandLine(new ApiumCommand());
    subcommands.forEach(cli::addSubcommand);
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
