package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.spi.Transports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiumConfigTest {
  @Test
  void codeBeatsEnvironmentBeatsFileBeatsDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("apium.properties");
    Files.writeString(
        file,
        "broker_url=redis://file:6379/0\nresult_backend=redis://file:6379/1\nresult_expires=60\n");
    ApiumConfig config =
        ApiumConfig.load(
            Map.of("broker_url", "memory://code"),
            Map.of("APIUM_RESULT_BACKEND", "rpc://", "PATH", "/bin"),
            file);
    assertThat(config.get("broker_url")).isEqualTo("memory://code");
    assertThat(config.get("result_backend")).isEqualTo("rpc://");
    assertThat(config.getSeconds("result_expires", Duration.ZERO))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(config.get("task_default_queue")).isEqualTo("celery");
    assertThat(config.getInt("worker_prefetch_multiplier", 0)).isEqualTo(4);
    assertThat(config.get("path")).isNull();
  }

  @Test
  void badValuesNameTheSetting() {
    ApiumConfig config =
        ApiumConfig.of(Map.of("task_acks_late", "maybe", "worker_concurrency", "x"));
    assertThatThrownBy(() -> config.getBoolean("task_acks_late", false))
        .hasMessage("setting task_acks_late='maybe' is not a boolean: use true or false");
    assertThatThrownBy(() -> config.getInt("worker_concurrency", 1))
        .hasMessageContaining("worker_concurrency='x' is not a whole number");
  }

  @Test
  void unknownSchemeNamesTheFix() {
    assertThatThrownBy(() -> Transports.broker("kafka://x:1", ApiumConfig.of(Map.of())))
        .hasMessageContaining("no broker transport for scheme 'kafka'")
        .hasMessageContaining("add the module");
    assertThat(Transports.mask("redis://user:secret@host:6379/0"))
        .isEqualTo("redis://user:***@host:6379/0");
  }
}
