package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationMetadataTest {

  @Test
  void theProcessorDescribesEveryApiumPropertyForIdes() throws Exception {
    JsonNode metadata;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    metadata
        .get("properties")
        .forEach(
            p -> {
              names.add(p.get("name").asText());
              assertThat(p.path("description").asText()).as(p.get("name").asText()).isNotBlank();
            });
    assertThat(names)
        .contains(
            "apium.broker-url",
            "apium.result-backend",
            "apium.celery",
            "apium.worker.enabled",
            "apium.worker.concurrency",
            "apium.worker.queues",
            "apium.worker.shutdown-timeout",
            "apium.health.timeout",
            "apium.test.mode");
  }
}
