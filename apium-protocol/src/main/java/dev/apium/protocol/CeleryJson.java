package dev.apium.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one JSON configuration Apium shares with kombu 5.2: a Jackson mapper without type markers,
 * and the three date formats Celery writes (Python {@code isoformat()} with {@code +00:00} for the
 * {@code eta}/{@code expires} headers, {@code Z} for datetimes inside payloads, and a naive UTC
 * timestamp for {@code date_done}). Stateless and thread-safe; called from any thread.
 */
public final class CeleryJson {
  /** The shared mapper: plain JSON, ISO dates as strings with {@code Z}, unknown fields ignored. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private static final java.util.concurrent.ConcurrentHashMap<Integer, JsonFactory> DEPTH_LIMITED =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private CeleryJson() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * Parses JSON text, wrapping Jackson's checked exception in a {@link MalformedMessageException}.
   */
  public static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (StreamConstraintsException e) {
      throw tooDeep(StreamReadConstraints.DEFAULT_MAX_DEPTH, e);
    } catch (IOException e) {
      throw new MalformedMessageException("body is not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses JSON text nested at most {@code maxDepth} levels; deeper input is refused with a message
   * naming the limit and its setting.
   */
  public static JsonNode parse(byte[] json, int maxDepth) {
    if (maxDepth == StreamReadConstraints.DEFAULT_MAX_DEPTH) {
      try {
        return MAPPER.readTree(json);
      } catch (StreamConstraintsException e) {
        throw tooDeep(maxDepth, e);
      } catch (IOException e) {
        throw new MalformedMessageException("body is not valid JSON: " + e.getMessage(), e);
      }
    }
    try (JsonParser parser =
        DEPTH_LIMITED.computeIfAbsent(maxDepth, CeleryJson::factory).createParser(json)) {
      JsonNode tree = MAPPER.readTree(parser);
      return tree == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : tree;
    } catch (StreamConstraintsException e) {
      throw tooDeep(maxDepth, e);
    } catch (IOException e) {
      throw new MalformedMessageException("body is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static MalformedMessageException tooDeep(int maxDepth, StreamConstraintsException e) {
    return new MalformedMessageException(
        "body JSON nests deeper than "
            + maxDepth
            + " levels: refused; raise "
            + MessageLimits.MAX_JSON_DEPTH
            + " if such bodies are expected",
        e);
  }

  private static JsonFactory factory(int maxDepth) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .build();
    factory.setCodec(MAPPER);
    return factory;
  }

  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new MalformedMessageException("not valid JSON: " + e.getMessage(), e);
    }
  }

  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any Java value as a JSON tree (records, POJOs, collections, primitives). */
  public static JsonNode toTree(Object value) {
    return value == null ? NODES.nullNode() : MAPPER.valueToTree(value);
  }

  /**
   * Python's {@code datetime.isoformat()} of an aware UTC datetime, as Celery writes the {@code
   * eta} and {@code expires} headers: microseconds only when non-zero, offset {@code +00:00}.
   */
  public static String isoformat(Instant instant) {
    return pythonLocal(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + "+00:00";
  }

  /**
   * The naive UTC form Celery stores as {@code date_done}, e.g. {@code 2026-11-24T10:13:08.951568}.
   */
  public static String naiveUtc(Instant instant) {
    return pythonLocal(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /**
   * The timezone-aware form Celery 5.3+ stores as {@code date_done} ({@code
   * app.now().isoformat()}): local time in {@code zone}, then its offset, e.g. {@code
   * 2026-12-04T15:11:56.431910+00:00} or {@code …T16:11:56.431910+01:00} for Europe/Paris. Celery
   * 5.2.6 clients parse it too.
   */
  public static String dateDone(Instant instant, java.time.ZoneId zone) {
    java.time.ZonedDateTime local = instant.atZone(zone);
    return pythonLocal(local.toLocalDateTime()) + offset(local.getOffset().getTotalSeconds());
  }

  /** The last offset written and its text: a zone's offset rarely changes between tasks. */
  private static volatile Object[] lastOffset = {0, "+00:00"};

  private static String offset(int seconds) {
    Object[] last = lastOffset;
    if ((int) last[0] == seconds) {
      return (String) last[1];
    }
    int abs = Math.abs(seconds);
    StringBuilder text = new StringBuilder(9).append(seconds < 0 ? '-' : '+');
    pad(text, abs / 3600, 2).append(':');
    pad(text, abs / 60 % 60, 2);
    if (abs % 60 != 0) {
      pad(text.append(':'), abs % 60, 2);
    }
    String made = text.toString();
    lastOffset = new Object[] {seconds, made};
    return made;
  }

  private static String pythonLocal(LocalDateTime time) {
    int year = time.getYear();
    if (year < 0 || year > 9999) {
      return pythonLocalFormatted(time);
    }
    // Written by hand: a DateTimeFormatter or String.format costs more than the rest of a result
    // write, and this runs once per task.
    StringBuilder text = new StringBuilder(26);
    pad(text, year, 4).append('-');
    pad(text, time.getMonthValue(), 2).append('-');
    pad(text, time.getDayOfMonth(), 2).append('T');
    pad(text, time.getHour(), 2).append(':');
    pad(text, time.getMinute(), 2).append(':');
    pad(text, time.getSecond(), 2);
    int micro = time.getNano() / 1000;
    if (micro != 0) {
      pad(text.append('.'), micro, 6);
    }
    return text.toString();
  }

  private static String pythonLocalFormatted(LocalDateTime time) {
    LocalDateTime micros = time.truncatedTo(ChronoUnit.MICROS);
    String base = SECONDS.format(micros);
    int micro = micros.getNano() / 1000;
    return micro == 0 ? base : base + "." + Integer.toString(1_000_000 + micro).substring(1);
  }

  private static StringBuilder pad(StringBuilder text, int value, int width) {
    for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
      if (value < limit) {
        text.append('0');
      }
    }
    return text.append(value);
  }

  /**
   * Reads every timestamp form Celery and its peers send: with an offset ({@code +00:00}), with
   * {@code Z}, or naive (taken as UTC; Celery would use the worker's zone, UTC here).
   *
   * @throws MalformedMessageException naming the text when it is not ISO-8601
   */
  public static Instant parseInstant(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new MalformedMessageException("not an ISO-8601 timestamp: '" + text + "'", e);
      }
    }
  }
}
