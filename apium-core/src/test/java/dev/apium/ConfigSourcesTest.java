package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where settings come from and what is said about them: Celery's {@code CELERY_BROKER_URL} and
 * {@code CELERY_RESULT_BACKEND}, misspelt keys with the closest known name, and the embedded broker
 * notice.
 */
class ConfigSourcesTest {
  @TempDir Path dir;

  @Test
  void celeryEnvironmentNamesAreReadAsCeleryReadsThem() {
    ApiumConfig config =
        ApiumConfig.load(
            Map.of(),
            Map.of("CELERY_BROKER_URL", "redis://h:6379/3", "CELERY_RESULT_BACKEND", "redis://h/4"),
            dir.resolve("none.properties"));
    assertThat(config.get(ApiumConfig.BROKER_URL)).isEqualTo("redis://h:6379/3");
    assertThat(config.get(ApiumConfig.RESULT_BACKEND)).isEqualTo("redis://h/4");
    assertThat(config.embeddedBrokerNotice()).isNull();
  }

  @Test
  void celerysReadAndWriteUrlsAreTakenWhenTheyNameTheOneBrokerAndRefusedOtherwise() {
    ApiumConfig same =
        ApiumConfig.load(
            Map.of(),
            Map.of(
                "CELERY_BROKER_READ_URL", "redis://h/3", "CELERY_BROKER_WRITE_URL", "redis://h/3"),
            dir.resolve("none.properties"));
    assertThat(same.get(ApiumConfig.BROKER_URL)).isEqualTo("redis://h/3");
    assertThat(same.embeddedBrokerNotice()).isNull();
    assertThatThrownBy(
            () ->
                ApiumConfig.load(
                    Map.of(),
                    Map.of(
                        "CELERY_BROKER_URL", "redis://h/3",
                        "CELERY_BROKER_WRITE_URL", "redis://:secret@other/3"),
                    dir.resolve("none.properties")))
        .hasMessageStartingWith("broker_write_url ('redis://:***@other/3') names another broker")
        .hasMessageContaining("broker_url ('redis://h/3')")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () ->
                ApiumConfig.of(
                    Map.of(
                        ApiumConfig.BROKER_READ_URL, "redis://a/0",
                        ApiumConfig.BROKER_WRITE_URL, "redis://b/0")))
        .hasMessageContaining("the other of broker_read_url / broker_write_url");
  }

  @Test
  void apiumVariablesAndCodeWinOverCeleryOnes() {
    ApiumConfig config =
        ApiumConfig.load(
            Map.of(ApiumConfig.RESULT_BACKEND, "rpc://"),
            Map.of(
                "CELERY_BROKER_URL", "redis://celery/0",
                "APIUM_BROKER_URL", "redis://apium/0",
                "CELERY_RESULT_BACKEND", "redis://celery/1"),
            dir.resolve("none.properties"));
    assertThat(config.get(ApiumConfig.BROKER_URL)).isEqualTo("redis://apium/0");
    assertThat(config.get(ApiumConfig.RESULT_BACKEND)).isEqualTo("rpc://");
  }

  @Test
  void fileSettingsOverrideNothingCeleryEnvironmentSets() throws Exception {
    Path file = Files.writeString(dir.resolve("apium.properties"), "broker_url=redis://file/0\n");
    ApiumConfig config =
        ApiumConfig.load(Map.of(), Map.of("CELERY_BROKER_URL", "redis://env/0"), file);
    assertThat(config.get(ApiumConfig.BROKER_URL)).isEqualTo("redis://env/0");
  }

  @Test
  void theLaunchersVariablesAreNotSettings() throws Exception {
    ApiumConfig config =
        ApiumConfig.load(
            Map.of(),
            Map.of(
                "APIUM_JAVA_OPTS", "-Xmx512m", "APIUM_CDS", "off", "APIUM_BROKER_URL", "memory://"),
            dir.resolve("none.properties"));
    assertThat(config.get(ApiumConfig.BROKER_URL)).isEqualTo("memory://");
    assertThat(config.get("java_opts")).isNull();
    assertThat(config.get("cds")).isNull();
  }

  @Test
  void misspeltKeysNameTheClosestKnownOne() {
    assertThat(ApiumConfig.unknownKeyWarning("brokr_url", "in apium.properties", "brokr_url"))
        .isEqualTo(
            "Unknown setting 'brokr_url' in apium.properties: Apium does not read it; did you"
                + " mean 'broker_url'?");
    assertThat(
            ApiumConfig.unknownKeyWarning(
                "result_backed", "from environment variable", "APIUM_RESULT_BACKED"))
        .endsWith("did you mean 'APIUM_RESULT_BACKEND'?");
    assertThat(
            ApiumConfig.unknownKeyWarning(
                "task_serialiser", "in apium.properties", "task_serialiser"))
        .endsWith("did you mean 'task_serializer'?");
    assertThat(ApiumConfig.unknownKeyWarning("zzzzzzzzzzzz", "in apium.properties", "zzzzzzzzzzzz"))
        .endsWith("Apium does not read it");
    assertThat(ApiumConfig.unknownKeyWarning("broker_url", "in apium.properties", "broker_url"))
        .isNull();
    assertThat(
            ApiumConfig.unknownKeyWarning(
                "security_cert_store", "in apium.properties", "security_cert_store"))
        .isNull();
  }

  @Test
  void noBrokerNamesTheEmbeddedOneAndItsFile() {
    String notice =
        ApiumConfig.load(Map.of(), Map.of(), dir.resolve("none.properties")).embeddedBrokerNotice();
    assertThat(notice)
        .contains("embedded broker sqlite:.apium/apium.db")
        .contains(Path.of(".apium", "apium.db").toAbsolutePath().toString());
  }
}
