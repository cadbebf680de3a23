package dev.apium.beat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.apium.protocol.CeleryJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a schedule file shaped like Celery's {@code beat_schedule}: entry name → {@code task},
 * {@code schedule}, {@code args}, {@code kwargs}, {@code options} ({@code queue}, {@code priority},
 * {@code expires}), {@code timezone}, {@code missed}. YAML ({@code .yaml}, {@code .yml}) or
 * properties ({@code <entry>.<field>=value}, JSON for args and kwargs). Errors name the file, the
 * entry and the field. Stateless; called on the thread that builds the beat.
 */
final class BeatFile {
  private static final YAMLMapper YAML = new YAMLMapper();

  private BeatFile() {}

  static List<BeatEntry> read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "beat schedule file " + path.toAbsolutePath() + " does not exist");
    }
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
    JsonNode tree;
    try (InputStream in = Files.newInputStream(path)) {
      tree = file.endsWith(".properties") ? fromProperties(in) : YAML.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "beat schedule file " + path + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read beat schedule file " + path, e);
    }
    try {
      return entries(tree);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in " + path + ")", e);
    }
  }

  static List<BeatEntry> entries(JsonNode tree) {
    List<BeatEntry> out = new ArrayList<>();
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return out;
    }
    if (!tree.isObject()) {
      throw new IllegalArgumentException(
          "a beat schedule maps entry names to entries (task, schedule, args...)");
    }
    tree.properties().forEach(e -> out.add(EntryReader.read(e.getKey(), e.getValue())));
    return out;
  }

  /** {@code name.task=...}, {@code name.options.queue=...} into the same tree YAML gives. */
  private static ObjectNode fromProperties(InputStream in) throws IOException {
    Properties props = new Properties();
    props.load(in);
    Map<String, String> sorted = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> sorted.put(k.trim(), props.getProperty(k).trim()));
    ObjectNode root = CeleryJson.object();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      String key = e.getKey();
      String[] path = split(key);
      ObjectNode entry =
          root.has(path[0]) ? (ObjectNode) root.get(path[0]) : root.putObject(path[0]);
      ObjectNode target = entry;
      for (int i = 1; i < path.length - 1; i++) {
        target = target.has(path[i]) ? (ObjectNode) target.get(path[i]) : target.putObject(path[i]);
      }
      String field = path[path.length - 1];
      target.set(field, value(path[0], field, e.getValue()));
    }
    return root;
  }

  /** Entry names may hold dots: the field is what follows the last known word. */
  private static String[] split(String key) {
    for (String nested : List.of(".options.", ".schedule.")) {
      int i = key.lastIndexOf(nested);
      if (i > 0) {
        return new String[] {
          key.substring(0, i),
          nested.substring(1, nested.length() - 1),
          key.substring(i + nested.length())
        };
      }
    }
    int dot = key.lastIndexOf('.');
    if (dot <= 0) {
      throw new IllegalArgumentException(
          "beat schedule key '" + key + "' is not <entry>.<field> (e.g. nightly.task=reports.run)");
    }
    return new String[] {key.substring(0, dot), key.substring(dot + 1)};
  }

  private static JsonNode value(String entry, String field, String text) {
    if (field.equals("args") || field.equals("kwargs")) {
      try {
        return CeleryJson.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "beat entry '" + entry + "': field '" + field + "': '" + text + "' is not JSON", e);
      }
    }
    return CeleryJson.MAPPER.getNodeFactory().textNode(text);
  }
}
