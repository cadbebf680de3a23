package dev.apium.examples.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An image as it travels between client and workers: either inline ({@code data}, base64 in the
 * JSON message, at most {@link #MAX_INLINE_BYTES}) or by reference ({@code path} on storage every
 * worker shares, outputs written under {@code store}). {@code timings} collects the milliseconds
 * each pipeline step took. Immutable value; safe on any thread.
 *
 * @param name file name shown in errors and on the contact sheet, e.g. {@code coffee.png}
 * @param data encoded image bytes (PNG, JPEG, ...), or null in reference mode
 * @param path file path or {@code file:} URI readable by every worker, or null when inline
 * @param store directory (shared) where reference-mode outputs are written, or null when inline
 * @param width pixels, 0 until a worker decoded the image
 * @param height pixels, 0 until a worker decoded the image
 * @param timings step name to milliseconds, in pipeline order
 */
public record Picture(
    String name,
    byte[] data,
    String path,
    String store,
    int width,
    int height,
    Map<String, Long> timings) {

  /** Images larger than this travel by reference, not inside the message. */
  public static final int MAX_INLINE_BYTES = 8 * 1024 * 1024;

  public Picture {
    timings =
        timings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    if (data != null && data.length > MAX_INLINE_BYTES) {
      throw new IllegalArgumentException(tooLarge(name, data.length));
    }
  }

  /** Reads a file to send inside the message. */
  public static Picture inline(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_INLINE_BYTES) {
        throw new IllegalArgumentException(tooLarge(file.getFileName().toString(), size));
      }
      return inline(file.getFileName().toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + file + ": " + e.getMessage(), e);
    }
  }

  /** Encoded bytes to send inside the message. */
  public static Picture inline(String name, byte[] data) {
    return new Picture(name, data, null, null, 0, 0, Map.of());
  }

  /**
   * A file on shared storage; workers read it there and write their outputs under {@code store}.
   */
  public static Picture reference(Path file, Path store) {
    return new Picture(
        file.getFileName().toString(),
        null,
        file.toAbsolutePath().toString(),
        store.toAbsolutePath().toString(),
        0,
        0,
        Map.of());
  }

  /** True when the image is on shared storage rather than in the message. */
  public boolean byReference() {
    return data == null;
  }

  /** The encoded bytes, read from {@code path} in reference mode. */
  public byte[] bytes() {
    if (data != null) {
      return data;
    }
    if (path == null) {
      throw new IllegalArgumentException("image '" + name + "' has neither data nor path");
    }
    Path file = path.startsWith("file:") ? Path.of(java.net.URI.create(path)) : Path.of(path);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read image '"
              + name
              + "' at "
              + file
              + ": is that storage shared with this"
              + " worker?",
          e);
    }
  }

  /** A copy with another step's timing appended. */
  Picture timed(String step, long millis) {
    Map<String, Long> more = new LinkedHashMap<>(timings);
    more.put(step, millis);
    return new Picture(name, data, path, store, width, height, more);
  }

  static String tooLarge(String name, long size) {
    return String.format(
        Locale.ROOT,
        "image '%s' is %.1f MiB, over the %d MiB cap for images sent in the message: put it on"
            + " storage all workers share and send Picture.reference(path, store) instead",
        name,
        size / (1024.0 * 1024.0),
        MAX_INLINE_BYTES / (1024 * 1024));
  }
}
