package dev.apium.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Queue;

/**
 * Reads a child process's output line by line on a daemon thread into a queue a test polls (with
 * Awaitility) while the process runs; a read error is added as a {@code reader: ...} line. One
 * thread per stream, started by {@link #follow}.
 */
final class LineReader {
  private LineReader() {}

  /** Starts reading {@code in} into {@code lines}; returns the (daemon, started) reader thread. */
  static Thread follow(InputStream in, Queue<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader: " + e);
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
