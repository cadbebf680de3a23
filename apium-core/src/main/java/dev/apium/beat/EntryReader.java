package dev.apium.beat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one parsed {@code beat_schedule} item into a {@link BeatEntry}, refusing unknown fields and
 * bad values with a message that names the entry and the field. Stateless.
 */
final class EntryReader {
  private static final Set<String> FIELDS =
      Set.of("task", "schedule", "args", "kwargs", "options", "timezone", "missed");
  private static final Set<String> OPTIONS = Set.of("queue", "priority", "expires");
  private static final Set<String> CRONTAB =
      Set.of("minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone");
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h|d)?", Pattern.CASE_INSENSITIVE);

  private EntryReader() {}

  static BeatEntry read(String name, JsonNode node) {
    if (!node.isObject()) {
      throw error(name, null, "expected task, schedule, args, kwargs, options; got '" + node + "'");
    }
    node.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw error(name, f, "unknown field; known fields are " + sorted(FIELDS));
              }
            });
    String task = text(name, node, "task", true);
    JsonNode scheduleNode = node.get("schedule");
    if (scheduleNode == null || scheduleNode.isNull()) {
      throw error(name, "schedule", "missing: give an interval (10s, 5m), a crontab or a time");
    }
    Schedule schedule;
    try {
      schedule = schedule(scheduleNode);
    } catch (IllegalArgumentException e) {
      throw error(name, "schedule", e.getMessage());
    }
    JsonNode args = node.get("args");
    if (args != null && !args.isArray() && !args.isNull()) {
      throw error(name, "args", "expected a list, got " + args);
    }
    JsonNode kwargs = node.get("kwargs");
    if (kwargs != null && !kwargs.isObject() && !kwargs.isNull()) {
      throw error(name, "kwargs", "expected a mapping, got " + kwargs);
    }
    BeatEntry entry =
        new BeatEntry(
            name,
            task,
            schedule,
            args == null ? null : CeleryJson.MAPPER.convertValue(args, List.class),
            kwargs == null ? null : CeleryJson.MAPPER.convertValue(kwargs, Map.class),
            null,
            null,
            null,
            missed(name, node));
    String zone = text(name, node, "timezone", false);
    if (zone != null) {
      try {
        entry = entry.withTimezone(ZoneId.of(zone));
      } catch (RuntimeException e) {
        throw error(name, "timezone", "'" + zone + "' is not a time zone (e.g. Europe/Paris)");
      }
    }
    return options(name, entry, node.get("options"));
  }

  private static BeatEntry options(String name, BeatEntry entry, JsonNode options) {
    if (options == null || options.isNull()) {
      return entry;
    }
    if (!options.isObject()) {
      throw error(name, "options", "expected a mapping of queue, priority, expires");
    }
    for (String f : (Iterable<String>) options::fieldNames) {
      if (!OPTIONS.contains(f)) {
        throw error(name, "options." + f, "unknown option; known are " + sorted(OPTIONS));
      }
    }
    if (options.hasNonNull("queue")) {
      entry = entry.withQueue(options.get("queue").asText());
    }
    if (options.hasNonNull("priority")) {
      JsonNode p = options.get("priority");
      if (!p.canConvertToInt() && !p.asText().matches("\\d+")) {
        throw error(name, "options.priority", "'" + p.asText() + "' is not a number 0-9");
      }
      entry = entry.withPriority(p.asInt());
    }
    if (options.hasNonNull("expires")) {
      try {
        entry = entry.withExpires(duration(options.get("expires").asText()));
      } catch (IllegalArgumentException e) {
        throw error(name, "options.expires", e.getMessage());
      }
    }
    return entry;
  }

  private static MissedRuns missed(String name, JsonNode node) {
    String value = text(name, node, "missed", false);
    if (value == null) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "run_once", "once" -> MissedRuns.RUN_ONCE;
      case "skip" -> MissedRuns.SKIP;
      case "all" -> MissedRuns.ALL;
      default -> throw error(name, "missed", "'" + value + "': use run_once, skip or all");
    };
  }

  static Schedule schedule(JsonNode node) {
    if (node.isNumber()) {
      return Schedule.every(seconds(node.asDouble()));
    }
    if (node.isObject()) {
      for (String f : (Iterable<String>) node::fieldNames) {
        if (!CRONTAB.contains(f) && !f.equals("every") && !f.equals("at")) {
          throw new IllegalArgumentException(
              "unknown key '"
                  + f
                  + "'; a crontab takes "
                  + sorted(CRONTAB)
                  + ", or use every / at");
        }
      }
      if (node.has("every")) {
        return Schedule.every(duration(node.get("every").asText()));
      }
      if (node.has("at")) {
        return Schedule.at(instant(node.get("at").asText()));
      }
      Crontab c =
          Crontab.of(
              field(node, "minute"),
              field(node, "hour"),
              field(node, "day_of_week"),
              field(node, "day_of_month"),
              field(node, "month_of_year"));
      return node.hasNonNull("timezone") ? c.in(ZoneId.of(node.get("timezone").asText())) : c;
    }
    String text = node.asText().trim();
    if (DURATION.matcher(text).matches() || text.toUpperCase(Locale.ROOT).startsWith("PT")) {
      return Schedule.every(duration(text));
    }
    if (text.split("\\s+").length == 5) {
      return Crontab.parse(text);
    }
    if (text.length() >= 10 && Character.isDigit(text.charAt(0)) && text.contains("-")) {
      return Schedule.at(instant(text));
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is neither an interval (30, 10s, 5m, PT1H), a crontab ('*/5 * * * *') nor a time"
            + " (2030-01-01T09:00:00Z)");
  }

  private static String field(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  static Duration duration(String text) {
    String t = text.trim();
    if (t.toUpperCase(Locale.ROOT).startsWith("PT") || t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not an ISO duration (PT10S)", e);
      }
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: write seconds (30), 10s, 5m, 2h, 1d or PT1H");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double factor =
        switch (unit) {
          case "ms" -> 0.001;
          case "m", "min" -> 60;
          case "h" -> 3600;
          case "d" -> 86400;
          default -> 1;
        };
    return seconds(n * factor);
  }

  private static Duration seconds(double seconds) {
    Duration d = Duration.ofNanos(Math.round(seconds * 1e9));
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("an interval must be positive, got " + seconds + " s");
    }
    return d;
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a time with an offset (2030-01-01T09:00:00Z)", e);
    }
  }

  private static String text(String name, JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      if (required) {
        throw error(name, field, "missing");
      }
      return null;
    }
    if (!v.isValueNode()) {
      throw error(name, field, "expected a text, got " + v);
    }
    return v.asText().trim();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  static IllegalArgumentException error(String entry, String field, String why) {
    return new IllegalArgumentException(
        "beat entry '"
            + entry
            + "'"
            + (field == null ? "" : ": field '" + field + "'")
            + ": "
            + why);
  }
}
