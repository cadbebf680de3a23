package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Turns a {@link TaskMessage} into the {@link WireMessage} Celery 5.2 sends (protocol v2: headers
 * in Celery's order, body {@code [args, kwargs, embed]}) and reads both protocol v2 and legacy v1
 * (body dict) back. Stateless; called from client and worker threads alike.
 */
public final class TaskMessageCodec {
  /** Celery 5.2's v2 headers in the order it writes them (AMQP tables lose the order). */
  public static final List<String> HEADER_ORDER =
      List.of(
          "lang",
          "task",
          "id",
          "shadow",
          "eta",
          "expires",
          "group",
          "group_index",
          "retries",
          "timelimit",
          "root_id",
          "parent_id",
          "argsrepr",
          "kwargsrepr",
          "origin",
          "ignore_result");

  private static final Set<String> STANDARD_HEADERS = standardHeaders();

  private static Set<String> standardHeaders() {
    Set<String> names = new java.util.HashSet<>(HEADER_ORDER);
    names.add("compression");
    return Set.copyOf(names);
  }

  private TaskMessageCodec() {}

  /**
   * The v2 wire form. {@code now} turns {@code expires} into the {@code expiration} property
   * (milliseconds left, as a string), as kombu does.
   */
  public static WireMessage encode(TaskMessage m, Instant now) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("lang", m.lang());
    headers.put("task", m.task());
    headers.put("id", m.id());
    headers.put("shadow", m.shadow());
    headers.put("eta", m.eta() == null ? null : CeleryJson.isoformat(m.eta()));
    headers.put("expires", m.expires() == null ? null : CeleryJson.isoformat(m.expires()));
    headers.put("group", m.group());
    headers.put("group_index", m.groupIndex());
    headers.put("retries", m.retries());
    headers.put("timelimit", Arrays.asList(number(m.hardTimeLimit()), number(m.softTimeLimit())));
    headers.put("root_id", m.rootId());
    headers.put("parent_id", m.parentId());
    headers.put("argsrepr", m.argsRepr());
    headers.put("kwargsrepr", m.kwargsRepr());
    headers.put("origin", m.origin());
    headers.put("ignore_result", m.ignoreResult());
    headers.putAll(m.extraHeaders());

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("correlation_id", m.id());
    properties.put("reply_to", m.replyTo() == null ? "" : m.replyTo());
    properties.put("delivery_mode", 2);
    properties.put("priority", m.priority());
    if (m.expires() != null) {
      long left = Math.max(0, Duration.between(now, m.expires()).toMillis());
      properties.put("expiration", Long.toString(left));
    }
    return WireMessage.json(headers, properties, encodeBody(m));
  }

  /** The body tuple {@code [args, kwargs, embed]} as JSON bytes. */
  public static byte[] encodeBody(TaskMessage m) {
    ArrayNode body = CeleryJson.array();
    body.add(m.args());
    body.add(m.kwargs());
    body.add(m.embed().toJson());
    return CeleryJson.writeBytes(body);
  }

  private static Object number(Double value) {
    if (value == null) {
      return null;
    }
    return value == Math.rint(value) && !value.isInfinite() ? (Object) value.longValue() : value;
  }

  /**
   * Reads a task message of either protocol. A message is v2 when its headers carry {@code task}.
   *
   * @throws MalformedMessageException naming what is wrong (content type, JSON, missing field)
   */
  public static TaskMessage decode(WireMessage wire) {
    return decode(wire, MessageLimits.DEFAULT);
  }

  /**
   * Reads a task message within the limits: a body that inflates past {@code maxDecompressedBytes}
   * or nests deeper than {@code maxJsonDepth} is refused.
   *
   * @throws MalformedMessageException naming what is wrong or which limit was passed
   */
  public static TaskMessage decode(WireMessage wire, MessageLimits limits) {
    byte[] body = decompress(wire, limits.maxDecompressedBytes());
    String type = wire.contentType();
    if (type != null && !type.isEmpty() && !type.equals(WireMessage.JSON)) {
      throw new MalformedMessageException(
          "unsupported content type '"
              + type
              + "': Apium accepts application/json only;"
              + " set task_serializer='json' on the sender");
    }
    JsonNode parsed = CeleryJson.parse(body, limits.maxJsonDepth());
    Map<String, Object> headers = wire.headers();
    TaskMessage.Builder b = headers.get("task") != null ? readV2(headers, parsed) : readV1(parsed);
    Object replyTo = wire.property("reply_to");
    b.replyTo(replyTo == null ? "" : replyTo.toString());
    Object priority = wire.property("priority");
    if (priority instanceof Number n) {
      b.priority(n.intValue());
    }
    return b.build();
  }

  private static TaskMessage.Builder readV2(Map<String, Object> h, JsonNode body) {
    if (!body.isArray() || body.size() < 2) {
      throw new MalformedMessageException(
          "v2 body must be [args, kwargs, embed], got: " + abbreviate(body));
    }
    TaskMessage.Builder b = TaskMessage.builder(text(h.get("task")), text(h.get("id")));
    b.lang(text(h.get("lang")))
        .shadow(text(h.get("shadow")))
        .eta(CeleryJson.parseInstant(text(h.get("eta"))))
        .expires(CeleryJson.parseInstant(text(h.get("expires"))))
        .group(text(h.get("group")))
        .groupIndex(integer(h.get("group_index")))
        .retries(integerOr(h.get("retries"), 0))
        .rootId(text(h.get("root_id")))
        .parentId(text(h.get("parent_id")))
        .origin(text(h.get("origin")))
        .ignoreResult(Boolean.TRUE.equals(h.get("ignore_result")));
    readTimeLimit(b, h.get("timelimit"));
    h.forEach(
        (k, v) -> {
          if (!STANDARD_HEADERS.contains(k)) {
            b.header(k, v);
          }
        });
    b.args(asArgs(body.get(0))).kwargs(asKwargs(body.get(1)));
    b.argsRepr(text(h.get("argsrepr"))).kwargsRepr(text(h.get("kwargsrepr")));
    b.embed(body.size() > 2 ? Embed.fromJson(body.get(2)) : Embed.NONE);
    return b;
  }

  private static TaskMessage.Builder readV1(JsonNode body) {
    if (!body.isObject() || !body.hasNonNull("task")) {
      throw new MalformedMessageException(
          "message has no 'task' header and its body is not a v1 task dict: " + abbreviate(body));
    }
    TaskMessage.Builder b = TaskMessage.builder(body.get("task").asText(), nodeText(body, "id"));
    b.protocol(1)
        .lang("py")
        .eta(CeleryJson.parseInstant(nodeText(body, "eta")))
        .expires(CeleryJson.parseInstant(nodeText(body, "expires")))
        .group(
            nodeText(body, "group") != null ? nodeText(body, "group") : nodeText(body, "taskset"))
        .groupIndex(body.hasNonNull("group_index") ? body.get("group_index").asInt() : null)
        .retries(body.path("retries").asInt(0))
        .args(asArgs(body.get("args")))
        .kwargs(asKwargs(body.get("kwargs")));
    JsonNode limits = body.get("timelimit");
    if (limits != null && limits.isArray()) {
      b.timeLimit(nodeDouble(limits.get(0)), nodeDouble(limits.get(1)));
    }
    JsonNode chord = body.get("chord");
    b.embed(
        new Embed(
            Embed.list(body.get("callbacks")),
            Embed.list(body.get("errbacks")),
            null,
            chord == null || chord.isNull() ? null : Signature.fromJson(chord)));
    return b;
  }

  private static void readTimeLimit(TaskMessage.Builder b, Object value) {
    if (value instanceof List<?> list && list.size() == 2) {
      b.timeLimit(decimal(list.get(0)), decimal(list.get(1)));
    }
  }

  private static ArrayNode asArgs(JsonNode node) {
    if (node == null || node.isNull()) {
      return CeleryJson.array();
    }
    if (!node.isArray()) {
      throw new MalformedMessageException(
          "task args must be a JSON array, got: " + abbreviate(node));
    }
    return (ArrayNode) node;
  }

  private static ObjectNode asKwargs(JsonNode node) {
    if (node == null || node.isNull()) {
      return CeleryJson.object();
    }
    if (!node.isObject()) {
      throw new MalformedMessageException(
          "task kwargs must be a JSON object, got: " + abbreviate(node));
    }
    return (ObjectNode) node;
  }

  /**
   * The body of a message, inflated when its {@code compression} header says so, refused once it
   * inflates past {@code maxBytes}.
   */
  public static byte[] decompress(WireMessage wire, long maxBytes) {
    Object compression = wire.header("compression");
    if (compression == null) {
      return wire.body();
    }
    if (!"application/x-gzip".equals(compression) && !"application/zlib".equals(compression)) {
      throw new MalformedMessageException(
          "unsupported compression '" + compression + "': Apium reads zlib (application/x-gzip)");
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(wire.body());
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(maxBytes, wire.body().length * 4L));
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new MalformedMessageException("compressed body is truncated");
        }
        if (out.size() + (long) n > maxBytes) {
          throw new MalformedMessageException(
              "compressed body inflates past "
                  + maxBytes
                  + " bytes ("
                  + wire.body().length
                  + " compressed): refused as a possible zip bomb; raise "
                  + MessageLimits.MAX_DECOMPRESSED_BYTES
                  + " if such bodies are expected");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new MalformedMessageException("compressed body is corrupt: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  static String abbreviate(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String nodeText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Double nodeDouble(JsonNode node) {
    return node == null || node.isNull() ? null : node.asDouble();
  }

  private static Integer integer(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.valueOf(value.toString());
    } catch (NumberFormatException e) {
      throw new MalformedMessageException("expected an integer, got '" + value + "'");
    }
  }

  private static int integerOr(Object value, int fallback) {
    Integer parsed = integer(value);
    return parsed == null ? fallback : parsed;
  }

  private static Double decimal(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.valueOf(value.toString());
    } catch (NumberFormatException e) {
      throw new MalformedMessageException("expected a number in timelimit, got '" + value + "'");
    }
  }

  /** Convenience for tests and tools: the headers of a message as a list of names. */
  static List<String> headerNames(WireMessage wire) {
    return new ArrayList<>(wire.headers().keySet());
  }
}
