package dev.apium.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apium.spi.Settings;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns Celery's queue settings into one {@link QueueSpec} per queue name: {@code
 * task_default_queue_type} ({@code classic} or {@code quorum}) for the default queue, {@code
 * task_create_missing_queue_type} for every other queue, {@code task_queue_max_priority} (skipped,
 * with a warning, on quorum queues, which have no priorities), and per queue {@code
 * task_queues.<name>.queue_arguments} (a JSON object, e.g. {@code {"x-queue-type": "quorum"}}),
 * {@code .exchange}, {@code .exchange_type} and {@code .routing_key}, as in Celery's {@code
 * task_queues}. Without them a queue gets Celery's default: a direct exchange of its own name,
 * bound by its name. Pidbox reply queues keep the classic type. Immutable apart from a cache;
 * thread-safe.
 */
final class QueueSettings {
  static final String DEFAULT_QUEUE = "task_default_queue";
  static final String DEFAULT_QUEUE_TYPE = "task_default_queue_type";
  static final String CREATE_MISSING_QUEUE_TYPE = "task_create_missing_queue_type";
  static final String DETECT_QUORUM = "worker_detect_quorum_queues";
  static final String PREFIX = "task_queues.";

  /** Made on first use: only a queue with {@code queue_arguments} needs an object mapper. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final String defaultQueue;
  private final String defaultType;
  private final String missingType;
  private final int maxPriority;
  private final boolean detectQuorum;
  private final Map<String, String> values;
  private final Map<String, QueueSpec> specs = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  QueueSettings(Settings config) {
    this.defaultQueue = config.get(DEFAULT_QUEUE, "celery");
    this.defaultType = queueType(config, DEFAULT_QUEUE_TYPE);
    this.missingType = queueType(config, CREATE_MISSING_QUEUE_TYPE);
    this.maxPriority = config.getInt(AmqpBroker.MAX_PRIORITY, 0);
    this.detectQuorum = config.getBoolean(DETECT_QUORUM, true);
    this.values = config.asMap();
    for (String key : values.keySet()) {
      int cut = key.lastIndexOf('.');
      if (key.startsWith(PREFIX) && cut > PREFIX.length()) {
        spec(key.substring(PREFIX.length(), cut));
      }
    }
  }

  private static String queueType(Settings config, String key) {
    String type = config.get(key, "classic").trim().toLowerCase(Locale.ROOT);
    if (!type.equals("classic") && !type.equals("quorum")) {
      throw new IllegalArgumentException(
          key + " is '" + type + "': set it to classic or quorum (Celery's two queue types)");
    }
    return type;
  }

  /** Celery's {@code worker_detect_quorum_queues}: per-consumer QoS on quorum queues. */
  boolean detectQuorum() {
    return detectQuorum;
  }

  /**
   * True when any configured queue is quorum: Celery then uses its native delayed delivery. Queues
   * are configured by the default type, the missing-queue type or {@code task_queues.*}.
   */
  boolean anyQuorum() {
    return defaultType.equals("quorum")
        || missingType.equals("quorum")
        || specs.values().stream().anyMatch(QueueSpec::quorum);
  }

  QueueSpec spec(String queue) {
    return specs.computeIfAbsent(queue, this::resolve);
  }

  private QueueSpec resolve(String queue) {
    String prefix = PREFIX + queue + ".";
    Map<String, Object> args =
        new LinkedHashMap<>(arguments(queue, values.get(prefix + "queue_arguments")));
    boolean pidbox = queue.endsWith(".pidbox");
    if (!args.containsKey(QueueSpec.QUEUE_TYPE) && !pidbox) {
      String type = queue.equals(defaultQueue) ? defaultType : missingType;
      if (type.equals("quorum")) {
        args.put(QueueSpec.QUEUE_TYPE, "quorum");
      }
    }
    boolean quorum = "quorum".equals(args.get(QueueSpec.QUEUE_TYPE));
    if (maxPriority > 0 && !args.containsKey("x-max-priority") && !pidbox) {
      if (quorum) {
        if (warned.add(queue)) {
          AmqpBroker.LOG.warn(
              "queue '{}' is a quorum queue, which has no priorities: declared without"
                  + " x-max-priority (task_queue_max_priority={})",
              queue,
              maxPriority);
        }
      } else {
        args.put("x-max-priority", maxPriority);
      }
    }
    String exchange = values.get(prefix + "exchange");
    boolean explicit = exchange != null;
    String type = values.getOrDefault(prefix + "exchange_type", "direct");
    String routingKey = values.get(prefix + "routing_key");
    return new QueueSpec(
        queue,
        exchange == null ? queue : exchange,
        type.trim().toLowerCase(Locale.ROOT),
        routingKey == null ? queue : routingKey,
        Collections.unmodifiableMap(args),
        explicit);
  }

  private static Map<String, Object> arguments(String queue, String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (Exception e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          PREFIX
              + queue
              + ".queue_arguments is not a JSON object: write it as"
              + " {\"x-queue-type\": \"quorum\"}");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      Object plain;
      if (value.isIntegralNumber()) {
        plain = value.canConvertToInt() ? (Object) value.intValue() : (Object) value.longValue();
      } else if (value.isBoolean()) {
        plain = value.booleanValue();
      } else if (value.isNumber()) {
        plain = value.doubleValue();
      } else {
        plain = value.asText();
      }
      args.put(field.getKey(), plain);
    }
    return args;
  }
}
