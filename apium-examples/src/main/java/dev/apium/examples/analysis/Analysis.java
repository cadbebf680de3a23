package dev.apium.examples.analysis;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The client side of the analysis example: one chord streamed over a table, its size declared up
 * front, one {@code analysis.chunk} per chunk as the header (read, sent and forgotten one at a
 * time, at most {@link #window} chunks in flight), {@code analysis.merge} as the body, which the
 * worker finishing the last chunk sends with every partial result. Chunks travel inline (their rows
 * in the message, for workers that share nothing: a first pass, {@link TableIndex}, cuts the table
 * into chunks of {@code chunkRows} rows) or by reference (path and byte range; each worker reads
 * its own slice from storage it shares with the client: {@link ByteWindows} cuts the table into
 * windows of {@link #chunkBytes} bytes, scanning ahead of the sender, so workers start on the first
 * chunk while the rest is still being scanned). Client memory stays flat whatever the table's size.
 * Called from one client thread; result callbacks run on the backend's threads.
 */
public final class Analysis {
  /**
   * By reference, unless told otherwise: chunks of 8 MiB (where per-task costs stop mattering),
   * smaller for tables under 128 MiB so there are still 16 chunks to share among workers, but never
   * under 1 MiB.
   */
  public static final long AUTO_CHUNK_BYTES = 0;

  private static final long MAX_AUTO = 8L << 20;
  private static final long MIN_AUTO = 1L << 20;
  private static final long MIN_CHUNKS = 16;

  private final Apium app;
  private final Query query;
  private final int chunkSize;
  private final boolean byReference;
  private final int window;
  private final long chunkBytes;

  /** Analyses inline with {@code chunkSize} rows per message (5,000-10,000 keeps them small). */
  public Analysis(Apium app, Query query, int chunkSize) {
    this(app, query, chunkSize, false, 32, AUTO_CHUNK_BYTES);
  }

  private Analysis(
      Apium app, Query query, int chunkSize, boolean byReference, int window, long chunkBytes) {
    if (window < 1) {
      throw new IllegalArgumentException("the window must allow at least 1 chunk, got " + window);
    }
    if (chunkBytes < 0) {
      throw new IllegalArgumentException(
          "chunk bytes must be at least 1 (or 0 for automatic), got " + chunkBytes);
    }
    this.app = app;
    this.query = query;
    this.chunkSize = chunkSize;
    this.byReference = byReference;
    this.window = window;
    this.chunkBytes = chunkBytes;
  }

  /**
   * Sends chunks as references (path and byte range) that workers read from storage they share with
   * the client, instead of their rows; chunks are then cut by {@link #chunkBytes}, not rows.
   */
  public Analysis byReference(boolean value) {
    return new Analysis(app, query, chunkSize, value, window, chunkBytes);
  }

  /** At most {@code chunks} chunks sent and not yet finished (default 32). */
  public Analysis window(int chunks) {
    return new Analysis(app, query, chunkSize, byReference, chunks, chunkBytes);
  }

  /**
   * By reference: each chunk holds the rows starting in one window of {@code bytes} bytes of the
   * table (default {@link #AUTO_CHUNK_BYTES}); big enough that per-task costs vanish, small enough
   * that every worker gets several.
   */
  public Analysis chunkBytes(long bytes) {
    return new Analysis(app, query, chunkSize, byReference, window, bytes);
  }

  /** Runs the chord over a CSV, JSON-lines or JSON-array table and waits for the merged answer. */
  public Summary run(Path table, Duration timeout, Progress progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String what = "analysis of " + table;
    if (byReference) {
      long bytes = chunkBytes(table, chunkBytes);
      try (ByteWindows windows = ByteWindows.start(table, bytes, progress::totalRows)) {
        windows.awaitFirstRow(deadline, what);
        return run(windows.size(), () -> windows.next(deadline, what), deadline, what, progress);
      }
    }
    TableIndex index = TableIndex.scan(table, chunkSize);
    if (index.rows() == 0) {
      throw new IllegalArgumentException("table " + table + " has no rows to analyse");
    }
    progress.totalRows(index.rows());
    Iterator<ChunkRef> chunks = index.chunks().iterator();
    return run(index.chunks().size(), chunks::next, deadline, what, progress);
  }

  private Summary run(
      int size, Supplier<ChunkRef> chunks, long deadline, String what, Progress progress) {
    progress.total(size + 1L);
    Window slots = new Window(window, deadline, what);
    Iterator<Signature> header =
        new Iterator<>() {
          private int sent;

          @Override
          public boolean hasNext() {
            return sent < size;
          }

          @Override
          public Signature next() {
            slots.enter();
            ChunkRef ref = chunks.get();
            sent++;
            TableChunk chunk = byReference ? TableChunk.byReference(ref) : TableChunk.inline(ref);
            String id = UUID.randomUUID().toString();
            // Only "done" matters here: the result stays a JSON tree, never bound to a Summary.
            app.result(id, JsonNode.class)
                .toCompletableFuture()
                .whenComplete(
                    (part, error) -> {
                      progress.rowsDone(ref.rows());
                      progress.step();
                      slots.leave();
                    });
            return app.signature("analysis.chunk", chunk, query).taskId(id);
          }
        };
    AsyncResult<Summary> body =
        Chord.streaming(size, header, app.signature("analysis.merge")).delay(Summary.class);
    Summary answer = await(body.toCompletableFuture(), deadline, what);
    // Each chunk's result is stored before the merge runs, but its callback may come after ours.
    slots.awaitEmpty(Math.min(TimeUnit.SECONDS.toNanos(10), deadline - System.nanoTime()));
    progress.step();
    return answer;
  }

  /** The bytes per chunk for {@code table}: {@code chunkBytes}, or automatic when it is 0. */
  public static long chunkBytes(Path table, long chunkBytes) {
    if (chunkBytes != AUTO_CHUNK_BYTES) {
      return chunkBytes;
    }
    try {
      long size = java.nio.file.Files.size(table);
      return Math.max(MIN_AUTO, Math.min(MAX_AUTO, (size + MIN_CHUNKS - 1) / MIN_CHUNKS));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read table " + table + ": " + e, e);
    }
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
