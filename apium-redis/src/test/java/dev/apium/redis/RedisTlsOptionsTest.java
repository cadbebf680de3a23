package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Celery's ssl_* URL parameters are taken out of the URL and name the file that is missing. */
class RedisTlsOptionsTest {
  @TempDir Path dir;

  @Test
  void urlWithoutFilesIsUntouched() {
    RedisTls tls = RedisTls.from("rediss://:pw@h:6380/0?ssl_cert_reqs=none");
    assertThat(tls.url()).isEqualTo("rediss://:pw@h:6380/0?ssl_cert_reqs=none");
    assertThat(tls.options()).isNull();
  }

  @Test
  void filesAreTakenOutOfTheUrl() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    RedisTls tls =
        RedisTls.from("rediss://h:6380/0?ssl_ca_certs=" + ca + "&ssl_cert_reqs=required");
    assertThat(tls.url()).isEqualTo("rediss://h:6380/0?ssl_cert_reqs=required");
    assertThat(tls.options()).isNotNull();
    assertThat(RedisTls.from("rediss://h/0?ssl_ca_certs=" + ca).url()).isEqualTo("rediss://h/0");
  }

  @Test
  void missingFilesAndHalfPairsAreNamed() throws Exception {
    assertThatThrownBy(() -> RedisTls.from("rediss://h/0?ssl_ca_certs=/nope/ca.pem"))
        .hasMessageContaining("ssl_ca_certs '/nope/ca.pem' cannot be read");
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    assertThatThrownBy(() -> RedisTls.from("rediss://h/0?ssl_certfile=" + cert))
        .hasMessageContaining("needs both ssl_certfile and ssl_keyfile");
  }

  @Test
  void settingsDictionariesBecomeUrlParametersAndTurnTlsOn() {
    dev.apium.spi.Settings settings =
        dev.apium.spi.Settings.of(
            java.util.Map.of(
                "broker_use_ssl.ssl_ca_certs", "/etc/apium/c a.pem",
                "broker_use_ssl.ssl_cert_reqs", "CERT_REQUIRED",
                "broker_ssl_certfile", "/etc/apium/client.pem"));
    assertThat(RedisTlsSettings.apply("redis://h:6380/0", settings, RedisTlsSettings.BROKER))
        .isEqualTo(
            "rediss://h:6380/0?ssl_ca_certs=%2Fetc%2Fapium%2Fc+a.pem&ssl_certfile="
                + "%2Fetc%2Fapium%2Fclient.pem&ssl_cert_reqs=CERT_REQUIRED");
    // What the URL says wins; the backend reads only its own dictionary.
    assertThat(
            RedisTlsSettings.apply(
                "rediss://h/0?ssl_ca_certs=/u.pem&ssl_cert_reqs=none",
                settings,
                RedisTlsSettings.BROKER))
        .isEqualTo(
            "rediss://h/0?ssl_ca_certs=/u.pem&ssl_cert_reqs=none&ssl_certfile="
                + "%2Fetc%2Fapium%2Fclient.pem");
    assertThat(RedisTlsSettings.apply("redis://h/0", settings, RedisTlsSettings.BACKEND))
        .isEqualTo("redis://h/0");
  }
}
