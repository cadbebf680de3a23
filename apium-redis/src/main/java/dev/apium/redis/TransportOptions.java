package dev.apium.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apium.ApiumConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Celery's dictionary settings {@code broker_transport_options} and {@code
 * result_backend_transport_options} from Apium's flat settings, in either form: dotted keys ({@code
 * broker_transport_options.master_name=mymaster}, {@code
 * broker_transport_options.sentinel_kwargs.password=s3cret}) or one JSON object as the value
 * ({@code broker_transport_options={"master_name": "mymaster", "sentinel_kwargs": {"password":
 * "s3cret"}}}). Nested objects become dotted keys. Stateless; called once per connector.
 */
final class TransportOptions {
  static final String BROKER = "broker_transport_options";
  static final String BACKEND = "result_backend_transport_options";

  private TransportOptions() {}

  static Map<String, String> read(ApiumConfig config, String setting) {
    Map<String, String> out = new LinkedHashMap<>();
    String json = config.get(setting);
    if (json != null && !json.isBlank()) {
      try {
        JsonNode tree = new ObjectMapper().readTree(json);
        if (!tree.isObject()) {
          throw new IllegalArgumentException("not an object");
        }
        flatten("", tree, out);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "setting "
                + setting
                + " is not a JSON object: write it as {\"master_name\": \"mymaster\"} or use"
                + " dotted keys such as "
                + setting
                + ".master_name=mymaster",
            e);
      }
    }
    String prefix = setting + ".";
    config
        .asMap()
        .forEach(
            (key, value) -> {
              if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), value);
              }
            });
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    node.fields()
        .forEachRemaining(
            field -> {
              String key = prefix + field.getKey();
              if (field.getValue().isObject()) {
                flatten(key + ".", field.getValue(), out);
              } else if (!field.getValue().isNull()) {
                out.put(key, field.getValue().asText());
              }
            });
  }
}
