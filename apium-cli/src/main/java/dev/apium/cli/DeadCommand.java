package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.spi.DeadLetters;
import dev.apium.spi.DeadLetters.DeadLetter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code apium dead list | show ID | replay ID|--all | purge}: the messages the broker moved aside
 * (unreadable, unknown task, a failing handler), as Sidekiq's dead set. Runs on the main thread.
 */
@Command(
    name = "dead",
    mixinStandardHelpOptions = true,
    description = "List, show, replay or purge the messages the broker moved aside (dead letters).",
    subcommands = {
      DeadCommand.ListDead.class,
      DeadCommand.ShowDead.class,
      DeadCommand.ReplayDead.class,
      DeadCommand.PurgeDead.class
    })
final class DeadCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options every dead-letter subcommand takes: the app and the queues. */
  static final class Scope {
    @Mixin AppOptions app;

    @Option(
        names = {"-Q", "--queues"},
        split = ",",
        description = "Only these queues' dead letters (RabbitMQ needs them named).")
    List<String> queues = List.of();

    static DeadLetters of(Apium apium) {
      return apium
          .broker()
          .deadLetters()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "broker "
                          + apium.broker().describe()
                          + " keeps no dead letters (use redis://, amqp://, sqlite: or"
                          + " postgresql://)"));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Newest first.")
  static final class ListDead implements Callable<Integer> {
    @Mixin Scope scope;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many.")
    int limit;

    @Override
    public Integer call() {
      try (Apium apium = scope.app.build()) {
        List<DeadLetter> letters = Scope.of(apium).list(scope.queues, limit);
        if (letters.isEmpty()) {
          spec.commandLine().getOut().println("no dead letters in " + apium.broker().describe());
          return 0;
        }
        spec.commandLine()
            .getOut()
            .printf("%-36s  %-16s  %-24s  %-24s  %s%n", "ID", "QUEUE", "DEAD AT", "TASK", "REASON");
        for (DeadLetter d : letters) {
          spec.commandLine()
              .getOut()
              .printf(
                  "%-36s  %-16s  %-24s  %-24s  %s%n",
                  d.id(),
                  d.queue(),
                  d.deadAt() == null ? "-" : d.deadAt().toString(),
                  d.task() == null ? "-" : d.task(),
                  d.reason());
        }
        return 0;
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter in full.")
  static final class ShowDead implements Callable<Integer> {
    @Mixin Scope scope;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Its id (or task id), from `apium dead list`.")
    String id;

    @Override
    public Integer call() {
      try (Apium apium = scope.app.build()) {
        DeadLetter d = Scope.of(apium).find(scope.queues, id).orElse(null);
        if (d == null) {
          spec.commandLine()
              .getErr()
              .println("apium: no dead letter " + id + " (see `apium dead list`)");
          return 1;
        }
        spec.commandLine().getOut().println("id:       " + d.id());
        spec.commandLine().getOut().println("queue:    " + d.queue());
        spec.commandLine().getOut().println("reason:   " + d.reason());
        spec.commandLine().getOut().println("dead at:  " + (d.deadAt() == null ? "-" : d.deadAt()));
        spec.commandLine().getOut().println("task:     " + (d.task() == null ? "-" : d.task()));
        spec.commandLine().getOut().println("task id:  " + (d.taskId() == null ? "-" : d.taskId()));
        spec.commandLine().getOut().println("message:  " + d.raw());
        return 0;
      }
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = "Put a dead letter (or --all) back on its queue.")
  static final class ReplayDead implements Callable<Integer> {
    @Mixin Scope scope;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", description = "Its id (or task id).")
    String id;

    @Option(names = "--all", description = "Every dead letter (of -Q, if given).")
    boolean all;

    @Override
    public Integer call() {
      if (all == (id != null)) {
        spec.commandLine().getErr().println("apium: name one dead letter's id, or --all");
        return 2;
      }
      try (Apium apium = scope.app.build()) {
        DeadLetters dead = Scope.of(apium);
        if (all) {
          spec.commandLine()
              .getOut()
              .println("replayed " + dead.replayAll(scope.queues) + " dead letter(s)");
          return 0;
        }
        if (!dead.replay(scope.queues, id)) {
          spec.commandLine()
              .getErr()
              .println("apium: no dead letter " + id + " to replay (see `apium dead list`)");
          return 1;
        }
        spec.commandLine().getOut().println("replayed " + id);
        return 0;
      }
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Drop every dead letter.")
  static final class PurgeDead implements Callable<Integer> {
    @Mixin Scope scope;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-f", "--force"},
        description = "Do not ask.")
    boolean force;

    @Override
    public Integer call() {
      if (!force) {
        spec.commandLine()
            .getErr()
            .println("apium: purge drops every dead letter for good; add -f to confirm");
        return 2;
      }
      try (Apium apium = scope.app.build()) {
        spec.commandLine()
            .getOut()
            .println("purged " + Scope.of(apium).purge(scope.queues) + " dead letter(s)");
        return 0;
      }
    }
  }
}
