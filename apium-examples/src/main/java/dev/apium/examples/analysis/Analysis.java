package dev.apium.examples.analysis;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Chord;
import dev.apium.Signature;
import dev.apium.TaskFailedException;
import dev.apium.examples.Progress;
import dev.apium.examples.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the analysis example. A cheap first pass ({@link TableIndex}) counts the
 * table's rows and cuts it into chunks; then one chord is streamed: its size declared up front, one
 * {@code analysis.chunk} per chunk as the header (read, sent and forgotten one at a time, at most
 * {@link #window} chunks in flight), {@code analysis.merge} as the body, which the worker finishing
 * the last chunk sends with every partial result. Chunks travel inline (their rows in the message,
 * for workers that share nothing) or by reference (path and byte range; each worker reads its own
 * slice from storage it shares with the client). Client memory stays flat whatever the table's
 * size. Called from one client thread; result callbacks run on the backend's threads.
 */
public final class Analysis {
  private final Apium app;
  private final Query query;
  private final int chunkSize;
  private final boolean byReference;
  private final int window;

  /** Analyses inline with {@code chunkSize} rows per message (5,000-10,000 keeps them small). */
  public Analysis(Apium app, Query query, int chunkSize) {
    this(app, query, chunkSize, false, 32);
  }

  private Analysis(Apium app, Query query, int chunkSize, boolean byReference, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("the window must allow at least 1 chunk, got " + window);
    }
    this.app = app;
    this.query = query;
    this.chunkSize = chunkSize;
    this.byReference = byReference;
    this.window = window;
  }

  /**
   * Sends chunks as references (path and byte range) that workers read from storage they share with
   * the client, instead of their rows.
   */
  public Analysis byReference(boolean value) {
    return new Analysis(app, query, chunkSize, value, window);
  }

  /** At most {@code chunks} chunks sent and not yet finished (default 32). */
  public Analysis window(int chunks) {
    return new Analysis(app, query, chunkSize, byReference, chunks);
  }

  /** Runs the chord over a CSV, JSON-lines or JSON-array table and waits for the merged answer. */
  public Summary run(Path table, Duration timeout, Progress progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String what = "analysis of " + table;
    TableIndex index = TableIndex.scan(table, chunkSize);
    if (index.rows() == 0) {
      throw new IllegalArgumentException("table " + table + " has no rows to analyse");
    }
    List<ChunkRef> chunks = index.chunks();
    progress.total(chunks.size() + 1L);
    progress.totalRows(index.rows());
    Window slots = new Window(window, deadline, what);
    Iterator<Signature> header =
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < chunks.size();
          }

          @Override
          public Signature next() {
            slots.enter();
            ChunkRef ref = chunks.get(next++);
            TableChunk chunk = byReference ? TableChunk.byReference(ref) : TableChunk.inline(ref);
            String id = UUID.randomUUID().toString();
            app.result(id)
                .toCompletableFuture()
                .whenComplete(
                    (part, error) -> {
                      slots.leave();
                      progress.rowsDone(ref.rows());
                      progress.step();
                    });
            return app.signature("analysis.chunk", chunk, query).taskId(id);
          }
        };
    AsyncResult<Summary> body =
        Chord.streaming(chunks.size(), header, app.signature("analysis.merge"))
            .delay(Summary.class);
    Summary answer = await(body.toCompletableFuture(), deadline, what);
    progress.step();
    return answer;
  }

  /**
   * The same answer computed in this process on one thread, reading the table once, with no broker:
   * the baseline the distributed run is measured against.
   */
  public static Summary alone(Path table, Query query) {
    Summary.Builder builder = new Summary.Builder(query);
    Tables.chunks(table, 10_000, rows -> rows.forEach(builder::add));
    return builder.build();
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
