package dev.apium.examples.analysis;

import dev.apium.Apium;
import dev.apium.TaskFailedException;
import dev.apium.examples.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the analysis example: splits a table into chunks of rows, sends one {@code
 * analysis.partial} per chunk while still reading, then {@code analysis.merge} over their results
 * (a chord: header = the partials, body = the merge). Called from one client thread.
 */
public final class Analysis {
  private final Apium app;
  private final Query query;
  private final int chunkSize;

  /** Analyses with {@code chunkSize} rows per message (5,000-10,000 keeps messages small). */
  public Analysis(Apium app, Query query, int chunkSize) {
    this.app = app;
    this.query = query;
    this.chunkSize = chunkSize;
  }

  /** Runs the chord over a CSV or JSON table and waits for the merged answer. */
  public Summary run(Path table, Duration timeout, Progress progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<Summary>> header = new ArrayList<>();
    Tables.chunks(
        table,
        chunkSize,
        rows -> {
          header.add(
              app.signature("analysis.partial", rows, query)
                  .delay(Summary.class)
                  .toCompletableFuture()
                  .whenComplete((summary, error) -> progress.step()));
          progress.total(header.size() + 1L);
        });
    List<Summary> partials = new ArrayList<>();
    for (CompletableFuture<Summary> part : header) {
      partials.add(await(part, deadline, "chunk " + (partials.size() + 1) + " of " + table));
    }
    CompletableFuture<Summary> body =
        app.signature("analysis.merge", partials).delay(Summary.class).toCompletableFuture();
    Summary answer = await(body, deadline, "merge of " + table);
    progress.step();
    return answer;
  }

  private static Summary await(CompletableFuture<Summary> future, long deadline, String what) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          what + " not finished in time: are workers running and consuming the 'celery' queue?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TaskFailedException failed) {
        throw new IllegalStateException(what + " failed: " + failed.getMessage(), failed);
      }
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    }
  }
}
