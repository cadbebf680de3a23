package dev.apium.examples.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a byte range of a file on a file system the worker shares with the client (a local disk,
 * NFS, a mounted bucket): plain paths and {@code file:} URLs. Stateless and thread-safe.
 */
public final class LocalChunkReader implements ChunkReader {

  @Override
  public boolean accepts(String path) {
    return path.startsWith("file:") || !path.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*");
  }

  @Override
  public InputStream open(String path, long start, long end) throws IOException {
    Path file = path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new java.io.FileNotFoundException(
          "table "
              + file
              + " is not on this worker: share its storage with the workers or send the"
              + " analysis inline (--inline)");
    }
    channel.position(start);
    return new java.io.BufferedInputStream(
        new Bounded(Channels.newInputStream(channel), end - start), 1 << 16);
  }

  /** At most {@code left} bytes of a stream, closing the stream (and channel) with it. */
  private static final class Bounded extends java.io.FilterInputStream {
    private long left;

    Bounded(InputStream in, long left) {
      super(in);
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
