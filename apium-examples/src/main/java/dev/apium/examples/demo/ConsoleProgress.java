package dev.apium.examples.demo;

import dev.apium.examples.Progress;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A batch's progress on the console: a live progress bar on a terminal, otherwise (pipes, CI,
 * tests) one plain line when the batch is done. Thread-safe; {@link #close()} finishes the bar.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
  private final String name;
  private final String unit;
  private final PrintStream out;
  private final ProgressBar bar;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final long start = System.nanoTime();

  ConsoleProgress(String name, String unit, long expected, PrintStream out, boolean terminal) {
    this.name = name;
    this.unit = unit;
    this.out = out;
    this.total.set(expected);
    this.bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName(String.format("%-9s", name))
                .setInitialMax(expected)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(100)
                .continuousUpdate()
                .setMaxRenderedLength(100)
                .build()
            : null;
  }

  @Override
  public void total(long tasks) {
    total.set(tasks);
    if (bar != null) {
      bar.maxHint(tasks);
    }
  }

  @Override
  public void step() {
    done.incrementAndGet();
    if (bar != null) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    } else {
      out.printf(
          "  %-9s %d/%d %s in %.1f s%n",
          name, done.get(), total.get(), unit, (System.nanoTime() - start) / 1e9);
    }
  }
}
