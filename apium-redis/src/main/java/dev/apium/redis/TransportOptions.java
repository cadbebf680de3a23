package dev.apium.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads Celery's dictionary settings {@code broker_transport_options} and {@code
 * result_backend_transport_options} from Apium's flat settings, in either form: dotted keys ({@code
 * broker_transport_options.master_name=mymaster}, {@code
 * broker_transport_options.sentinel_kwargs.password=s3cret}) or one JSON object as the value
 * ({@code broker_transport_options={"master_name": "mymaster", "sentinel_kwargs": {"password":
 * "s3cret"}}}). Nested objects become dotted keys. Takes a lookup function rather than the config
 * class, so it only needs {@code get(name)}. Stateless; called once per connector.
 */
final class TransportOptions {
  static final String BROKER = "broker_transport_options";
  static final String BACKEND = "result_backend_transport_options";

  private TransportOptions() {}

  /** The options Apium uses; a dotted key overrides the same key of the JSON form. */
  static final List<String> KEYS =
      List.of("master_name", "sentinel_kwargs.password", "sentinel_kwargs.username");

  /**
   * @param settings looks a setting up by name ({@code config::get})
   */
  static Map<String, String> read(Function<String, String> settings, String setting) {
    Map<String, String> out = new LinkedHashMap<>();
    String json = settings.apply(setting);
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
    for (String key : KEYS) {
      String value = settings.apply(setting + "." + key);
      if (value != null) {
        out.put(key, value);
      }
    }
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
