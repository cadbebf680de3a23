package dev.apium.examples.analysis;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Chord;
import dev.apium.Signature;
import dev.apium.TaskFailedException;
import dev.apium.examples.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the analysis example: splits a table into chunks of rows and sends a chord,
 * one {@code analysis.partial} per chunk as the header and {@code analysis.merge} as the body,
 * which the worker finishing the last chunk sends with every partial result. Called from one client
 * thread.
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
    List<Signature> header = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Tables.chunks(
        table,
        chunkSize,
        rows -> {
          ids.add(UUID.randomUUID().toString());
          header.add(
              app.signature("analysis.partial", rows, query).taskId(ids.get(ids.size() - 1)));
        });
    progress.total(header.size() + 1L);
    AsyncResult<Summary> body =
        Chord.of(header, app.signature("analysis.merge")).delay(Summary.class);
    ids.forEach(
        id -> app.result(id).toCompletableFuture().whenComplete((part, error) -> progress.step()));
    Summary answer = await(body.toCompletableFuture(), deadline, "analysis of " + table);
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
