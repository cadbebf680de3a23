package dev.apium.examples.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * By-reference chunks cut by bytes, known in number before the table is read: the file's size cut
 * into {@code ceil(size / chunkBytes)} windows, chunk {@code i} holding the rows that START in
 * window {@code i} (possibly none, possibly ending past the window). A scan thread ({@link
 * RowScanner}) runs ahead of the sender and fixes each chunk's row-aligned byte range, first row
 * and first line as soon as a row starts past its window, so the chord's size is declared before
 * anything is read and the first chunks are sent while the rest of the table is still being
 * scanned. At most {@link #LOOKAHEAD} finished chunks wait for the sender. {@link #next} and {@link
 * #awaitFirstRow} are called from the one sending thread; {@link #close} from it too.
 */
public final class ByteWindows implements AutoCloseable {
  /** Chunks the scan may have fixed and the sender not yet taken. */
  static final int LOOKAHEAD = 4096;

  private static final Object END = new Object();

  private final Path table;
  private final int size;
  private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(LOOKAHEAD);
  private final CountDownLatch firstRow = new CountDownLatch(1);
  private final Thread scan;
  private volatile RuntimeException failure;
  private volatile long rowsFound = -1;

  private ByteWindows(Path table, long chunkBytes, LongConsumer rowsTotal) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException(
          "chunk bytes must be at least 1, got " + chunkBytes + ": use a few MiB, e.g. 8388608");
    }
    this.table = table;
    TableFormat format = TableFormat.of(table);
    Cut cut = new Cut(table, format, chunkBytes, this::offer);
    RowScanner scanner = new RowScanner(table, format, cut);
    cut.scanner = scanner;
    long windows = (scanner.size() + chunkBytes - 1) / chunkBytes;
    if (windows > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException(
          "table " + table + " would make " + windows + " chunks: raise the chunk bytes");
    }
    this.size = (int) windows;
    cut.windows = size;
    this.scan =
        new Thread(
            () -> {
              try {
                scanner.scan();
                cut.finish();
                rowsFound = cut.tally.rowsTotal();
                firstRow.countDown();
                rowsTotal.accept(cut.tally.rowsTotal());
                ready.put(END);
              } catch (InterruptedException | Stopped e) {
                // the sender gave up
              } catch (RuntimeException e) {
                failure = e;
                firstRow.countDown();
                try {
                  ready.put(END);
                } catch (InterruptedException stopped) {
                  // the sender gave up
                }
              }
            },
            "table-scan " + table.getFileName());
    scan.setDaemon(true);
  }

  /**
   * Starts scanning {@code table} in the background, cutting it into windows of {@code chunkBytes};
   * {@code rowsTotal} is told the row count when the scan ends (on the scan thread).
   */
  public static ByteWindows start(Path table, long chunkBytes, LongConsumer rowsTotal) {
    ByteWindows windows = new ByteWindows(table, chunkBytes, rowsTotal);
    windows.scan.start();
    return windows;
  }

  /** Every chunk of {@code table}, once the scan has fixed them all (tests and tools). */
  public static List<ChunkRef> all(Path table, long chunkBytes) {
    List<ChunkRef> chunks = new ArrayList<>();
    try (ByteWindows windows = start(table, chunkBytes, rows -> {})) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      for (int i = 0; i < windows.size(); i++) {
        chunks.add(windows.next(deadline, "scan of " + table));
      }
    }
    return chunks;
  }

  /** The number of chunks, fixed before the scan: {@code ceil(file size / chunk bytes)}. */
  public int size() {
    return size;
  }

  /**
   * Waits until the scan has found a row or ended; throws when the table has no rows or cannot be
   * scanned (no CSV header, unreadable), so nothing is sent for a table that cannot be analysed.
   */
  public void awaitFirstRow(long deadlineNanos, String what) {
    try {
      if (!firstRow.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(what + " not finished in time: the scan found no row yet");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scanning for " + what, e);
    }
    if (failure != null) {
      throw failure;
    }
    if (rowsFound == 0) {
      throw new IllegalArgumentException("table " + table + " has no rows to analyse");
    }
  }

  /** The next chunk in table order, waiting for the scan to fix it. */
  public ChunkRef next(long deadlineNanos, String what) {
    Object next;
    try {
      next = ready.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scanning for " + what, e);
    }
    if (next == null) {
      throw new IllegalStateException(what + " not finished in time: the scan fell behind");
    }
    if (next == END) {
      if (failure != null) {
        throw failure;
      }
      throw new IllegalStateException(
          "table " + table + " ended before its " + size + " chunks: was it changed meanwhile?");
    }
    return (ChunkRef) next;
  }

  /** Stops the scan if it is still running. */
  @Override
  public void close() {
    scan.interrupt();
  }

  private void offer(ChunkRef chunk) {
    if (chunk.rows() > 0) {
      firstRow.countDown();
    }
    try {
      ready.put(chunk);
    } catch (InterruptedException e) {
      throw new Stopped();
    }
  }

  /** Unwinds the scan when the sender closed the windows. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** Groups the rows found by the scan by the window they start in. Runs on the scan thread. */
  private static final class Cut implements RowScanner.Rows {
    final long chunkBytes;
    final Consumer<ChunkRef> out;
    final ChunkTally tally;
    RowScanner scanner;
    int windows;
    long window;
    long windowEnd;

    Cut(Path table, TableFormat format, long chunkBytes, Consumer<ChunkRef> out) {
      this.tally = new ChunkTally(table.toAbsolutePath().toString(), format);
      this.chunkBytes = chunkBytes;
      this.windowEnd = chunkBytes;
      this.out = out;
    }

    @Override
    public void row(long start, long end, long startLine, long endLine) {
      if (start >= windowEnd) { // rarely: the row starts in a later window
        long in = start / chunkBytes;
        while (window < in) {
          emit(startLine);
          window++;
        }
        windowEnd = (window + 1) * chunkBytes;
      }
      tally.add(start, end, startLine, endLine);
    }

    /** Sends the last window with rows and the empty ones after it. */
    void finish() {
      while (window < windows) {
        emit(tally.nextLine());
        window++;
      }
    }

    /** Sends the current window; an empty one points at {@code nextLine}, where rows resume. */
    private void emit(long nextLine) {
      long emptyAt = Math.min(window * chunkBytes, scanner.size());
      out.accept(tally.take(scanner.columns(), emptyAt, nextLine));
    }
  }
}
