package dev.apium.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --pidfile}: writes this process's id to a file at start and removes it at exit, as
 * Celery's. Refuses to start while the file names a process that is still running; a file left by a
 * process that died is replaced. Created on the main thread; {@link #close} runs on the main thread
 * or a shutdown hook.
 */
final class PidFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PidFile.class);

  private final Path path;
  private final long pid = ProcessHandle.current().pid();

  private PidFile(Path path) {
    this.path = path;
  }

  static PidFile create(Path path) {
    if (Files.exists(path)) {
      Long other = read(path);
      if (other != null && other != ProcessHandle.current().pid()) {
        boolean alive = ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false);
        if (alive) {
          throw new IllegalStateException(
              "--pidfile "
                  + path
                  + ": process "
                  + other
                  + " is still running; stop it first, or remove the file if it is not a worker");
        }
      }
      log.warn("Removing stale pidfile {} (process {} is not running)", path, other);
    }
    try {
      Path parent = path.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".pid", ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("--pidfile " + path + ": cannot write it: " + e, e);
    }
    PidFile file = new PidFile(path);
    Runtime.getRuntime().addShutdownHook(new Thread(file::close, "apium-pidfile"));
    return file;
  }

  private static Long read(Path path) {
    try {
      return Long.parseLong(Files.readString(path, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /** Removes the file if it still holds this process's id. */
  @Override
  public void close() {
    Long current = read(path);
    if (current != null && current == pid) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        log.warn("Cannot remove pidfile {}: {}", path, e.toString());
      }
    }
  }
}
