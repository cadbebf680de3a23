package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --pidfile}: written at start, refused while another live process holds it, removed. */
class PidFileTest {
  @TempDir Path dir;

  @Test
  void holdsThisProcessIdUntilClosed() throws Exception {
    Path path = dir.resolve("run/worker.pid");
    PidFile file = PidFile.create(path);
    assertThat(Files.readString(path).trim())
        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    file.close();
    assertThat(path).doesNotExist();
  }

  @Test
  void refusesAFileOfARunningProcess() throws Exception {
    Process other = new ProcessBuilder("sleep", "30").start();
    try {
      Path path = Files.writeString(dir.resolve("worker.pid"), other.pid() + "\n");
      assertThatThrownBy(() -> PidFile.create(path))
          .hasMessageContaining("process " + other.pid() + " is still running");
      assertThat(Files.readString(path).trim()).isEqualTo(Long.toString(other.pid()));
    } finally {
      other.destroy();
    }
  }

  @Test
  void replacesAFileLeftByADeadProcess() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Path path = Files.writeString(dir.resolve("worker.pid"), gone.pid() + "\n");
    try (PidFile file = PidFile.create(path)) {
      assertThat(Files.readString(path).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }
  }
}
