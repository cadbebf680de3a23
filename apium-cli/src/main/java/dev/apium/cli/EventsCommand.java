package dev.apium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.Subscription;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium events}: follows the monitoring events of every worker, Java or Python, on the
 * broker ({@code celeryev}): a live table of workers and recent tasks redrawn every second, or with
 * {@code --dump} each event printed as {@code celery events --dump} does. Runs until interrupted
 * (or for {@code --duration} seconds). Events arrive on a transport thread; the main thread
 * redraws.
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = "Watch workers and tasks live from their events (like `celery events`).")
final class EventsCommand implements Callable<Integer> {
  @Mixin AppOptions app;

  @Option(
      names = "--dump",
      description = "Print every event as it arrives, as `celery events --dump`.")
  boolean dump;

  @Option(names = "--duration", description = "Stop after this many seconds (default: never).")
  Double duration;

  @Override
  public Integer call() throws InterruptedException {
    EventDump dumper = new EventDump();
    EventTable table = new EventTable();
    CountDownLatch never = new CountDownLatch(1);
    try (Apium apium = app.build()) {
      if (dump) {
        System.out.println("-> apium events: starting capture...");
        System.out.flush();
      }
      try (Subscription s =
          apium
              .broker()
              .subscribeFanout(
                  "celeryev",
                  "#",
                  message -> {
                    JsonNode body = CeleryJson.parse(message.bodyText());
                    for (JsonNode event : body.isArray() ? body : java.util.List.of(body)) {
                      if (dump) {
                        System.out.println(dumper.format(event));
                        System.out.flush();
                      } else {
                        table.add(event);
                      }
                    }
                  })) {
        // As Celery's receiver: ask every worker for a heartbeat now, so they show at once.
        apium.control().cast("heartbeat", java.util.Map.of(), null);
        long end =
            duration == null ? Long.MAX_VALUE : System.nanoTime() + Math.round(duration * 1e9);
        while (System.nanoTime() < end) {
          long wait = Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000));
          if (never.await(wait, TimeUnit.MILLISECONDS)) {
            break;
          }
          if (!dump) {
            System.out.print("\033[H\033[2J");
            System.out.println(
                "apium events on " + apium.broker().describe() + " (Ctrl-C to quit)\n");
            System.out.print(table.render(System.currentTimeMillis() / 1000.0));
            System.out.flush();
          }
        }
      }
    }
    return 0;
  }
}
