package dev.apium.examples.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens a byte range of a table that workers share: a local or network file system out of the box
 * ({@link LocalChunkReader}); object stores plug in by implementing this interface and either
 * {@link #register registering} an instance or listing it for {@link ServiceLoader} in {@code
 * META-INF/services/dev.apium.examples.analysis.ChunkReader}. Implementations must be thread-safe:
 * worker pool threads call them at once.
 */
public interface ChunkReader {
  /** True when this reader serves {@code path} (e.g. by its URL scheme). */
  boolean accepts(String path);

  /** The bytes {@code [start, end)} of {@code path}. */
  InputStream open(String path, long start, long end) throws IOException;

  /** Adds a reader, asked before the built-in ones. */
  static void register(ChunkReader reader) {
    Registered.READERS.add(0, reader);
  }

  /** The reader for {@code path}: registered ones first, then service-loaded, then local files. */
  static ChunkReader forPath(String path) {
    for (ChunkReader reader : Registered.READERS) {
      if (reader.accepts(path)) {
        return reader;
      }
    }
    throw new IllegalArgumentException(
        "no ChunkReader accepts '"
            + path
            + "': register one for its storage (ChunkReader.register) or send the table inline");
  }

  /** The registered readers. */
  final class Registered {
    static final List<ChunkReader> READERS = new CopyOnWriteArrayList<>();

    static {
      ServiceLoader.load(ChunkReader.class).forEach(READERS::add);
      READERS.add(new LocalChunkReader());
    }

    private Registered() {}
  }
}
