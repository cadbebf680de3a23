package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.beat.Beat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code apium beat}: runs the periodic task scheduler until TERM or INT. Any number may run
 * against one result backend: one leads and sends, the others stand by and take over within the
 * lease time. Runs on the main thread; the shutdown hook stops the beat, releasing its lease.
 */
@Command(
    name = "beat",
    mixinStandardHelpOptions = true,
    description =
        "Start the periodic task scheduler (like `celery beat`); run several for high"
            + " availability: one leads, each run is sent once.")
final class BeatCommand implements Callable<Integer> {
  @Mixin AppOptions app;
  @Mixin BeatOptions beatOptions;

  @Option(
      names = {"-l", "--loglevel"},
      defaultValue = "INFO",
      description = "DEBUG, INFO, WARNING, ERROR.")
  String loglevel;

  @Override
  public Integer call() throws InterruptedException {
    Logging.level(loglevel);
    Apium apium = app.build();
    Beat beat = beatOptions.build(apium).start();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  beat.stop();
                  apium.close();
                  done.countDown();
                },
                "apium-shutdown"));
    done.await();
    return 0;
  }
}
