package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.spi.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TLS file settings are read by Apium's flat names and by Celery's broker_use_ssl keys. */
class AmqpTlsSettingsTest {
  @Test
  void celerysDictionaryKeysAreReadAndTheFlatNameWins() {
    Settings celery =
        Settings.of(
            Map.of(
                "broker_use_ssl.ca_certs", "/ca.pem",
                "broker_use_ssl.certfile", "/client.pem",
                "broker_use_ssl.keyfile", "/client.key"));
    assertThat(AmqpTls.setting(celery, AmqpTls.CA_CERTS)).isEqualTo("/ca.pem");
    assertThat(AmqpTls.setting(celery, AmqpTls.CERTFILE)).isEqualTo("/client.pem");
    assertThat(AmqpTls.setting(celery, AmqpTls.KEYFILE)).isEqualTo("/client.key");
    Settings both =
        Settings.of(
            Map.of("broker_use_ssl.ca_certs", "/celery.pem", AmqpTls.CA_CERTS, "/flat.pem"));
    assertThat(AmqpTls.setting(both, AmqpTls.CA_CERTS)).isEqualTo("/flat.pem");
    assertThat(AmqpTls.setting(Settings.of(Map.of()), AmqpTls.CA_CERTS)).isNull();
  }
}
