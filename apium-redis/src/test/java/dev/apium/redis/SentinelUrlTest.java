package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import io.lettuce.core.RedisURI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kombu's Sentinel URL and transport options, read into a Lettuce Sentinel URI. */
class SentinelUrlTest {
  @Test
  void everyAddressIsASentinelAndTheFirstCarriesPasswordAndDb() {
    RedisURI uri =
        SentinelUrl.parse(
            "sentinel://:s3cret@h1:26380/3;sentinel://h2;sentinel://h3:26390",
            ApiumConfig.BROKER_URL,
            Map.of("master_name", "mymaster", "sentinel_kwargs.password", "sentpw"));
    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels())
        .extracting(s -> s.getHost() + ":" + s.getPort())
        .containsExactly("h1:26380", "h2:26379", "h3:26390");
    assertThat(uri.getSentinels().get(1).getCredentialsProvider().resolveCredentials().block())
        .satisfies(c -> assertThat(new String(c.getPassword())).isEqualTo("sentpw"));
    assertThat(new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword()))
        .isEqualTo("s3cret");
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(SentinelUrl.describe(uri))
        .isEqualTo("master 'mymaster' via h1:26380,h2:26379,h3:26390");
  }

  @Test
  void aMissingMasterNameNamesTheSettingToSet() {
    assertThatThrownBy(
            () -> SentinelUrl.parse("sentinel://h1:26379", ApiumConfig.RESULT_BACKEND, Map.of()))
        .hasMessageContaining("result_backend_transport_options.master_name=");
  }

  @Test
  void optionsComeAsJsonOrAsDottedKeys() {
    ApiumConfig config =
        ApiumConfig.of(
            Map.of(
                "broker_transport_options",
                "{\"master_name\": \"m1\", \"sentinel_kwargs\": {\"password\": \"p\"}}",
                "result_backend_transport_options.master_name",
                "m2"));
    assertThat(TransportOptions.read(config::get, TransportOptions.BROKER))
        .containsEntry("master_name", "m1")
        .containsEntry("sentinel_kwargs.password", "p");
    assertThat(TransportOptions.read(config::get, TransportOptions.BACKEND))
        .containsExactly(Map.entry("master_name", "m2"));
    assertThatThrownBy(
            () ->
                TransportOptions.read(
                    ApiumConfig.of(Map.of("broker_transport_options", "master_name=m"))::get,
                    TransportOptions.BROKER))
        .hasMessageContaining("is not a JSON object");
  }
}
