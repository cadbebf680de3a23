package dev.apium.examples.demo;

import dev.apium.examples.Progress;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A batch's progress on the console: a live progress bar on a terminal (counting rows, with rows
 * per second and the ETA, once the batch says how many rows it covers), otherwise (pipes, CI,
 * tests) one plain line with the rate when the batch is done. Thread-safe; {@link #close()}
 * finishes the bar.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
  private final String name;
  private final String unit;
  private final PrintStream out;
  private final ProgressBar bar;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong rowsTotal = new AtomicLong();
  private final long start = System.nanoTime();

  ConsoleProgress(String name, String unit, long expected, PrintStream out, boolean terminal) {
    this(name, unit, unit, expected, out, terminal);
  }

  /** A bar counting {@code barUnit} (e.g. rows) while the plain line counts {@code unit}. */
  ConsoleProgress(
      String name, String unit, String barUnit, long expected, PrintStream out, boolean terminal) {
    this.name = name;
    this.unit = unit;
    this.out = out;
    this.total.set(expected);
    this.bar =
        terminal
            ? new ProgressBarBuilder()
                .setTaskName(String.format("%-9s", name))
                .setInitialMax(expected)
                .setUnit(" " + barUnit, 1)
                .showSpeed()
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
    if (bar != null && rowsTotal.get() == 0) {
      bar.step();
    }
  }

  @Override
  public void totalRows(long count) {
    rowsTotal.set(count);
    if (bar != null) {
      bar.maxHint(count);
      bar.stepTo(rows.get()); // by reference the count arrives when chunks may already be done
    }
  }

  @Override
  public void rowsDone(long count) {
    rows.addAndGet(count);
    if (bar != null) {
      bar.stepBy(count);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    } else {
      double seconds = (System.nanoTime() - start) / 1e9;
      String rate =
          rowsTotal.get() > 0
              ? String.format(
                  ", %,d/%,d rows, %,.0f rows/s", rows.get(), rowsTotal.get(), rows.get() / seconds)
              : "";
      out.printf(
          "  %-9s %d/%d %s in %.1f s%s%n", name, done.get(), total.get(), unit, seconds, rate);
    }
  }
}
