package dev.apium.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The names kombu's Redis transport uses, byte for byte: queue lists and their priority lists
 * ({@code q}, {@code q\x06\x163}, {@code q\x06\x166}, {@code q\x06\x169}), binding sets {@code
 * _kombu.binding.<exchange>}, {@code unacked}, {@code unacked_index}, {@code unacked_mutex}, and
 * the fan-out channels {@code /<db>.<exchange>[/<routing_key>]}; all behind {@code
 * global_keyprefix}. Also Apium's own dead-letter list {@code apium.dead}, liveness zset {@code
 * apium.consumers} and per-consumer landing lists {@code apium.landing.<tag prefix>}. Immutable.
 */
final class RedisKeys {
  static final String SEP = "\u0006\u0016";
  static final int[] STEPS = {0, 3, 6, 9};

  private final String prefix;
  private final int db;

  RedisKeys(String prefix, int db) {
    this.prefix = prefix == null ? "" : prefix;
    this.db = db;
  }

  /** The priority step a message priority maps to: the highest of 0/3/6/9 not above it. */
  static int step(Object priority) {
    int value = priority instanceof Number n ? n.intValue() : 0;
    value = Math.max(0, Math.min(9, value));
    int step = 0;
    for (int s : STEPS) {
      if (s <= value) {
        step = s;
      }
    }
    return step;
  }

  String queue(String queue, Object priority) {
    int step = step(priority);
    return step == 0 ? prefix + queue : prefix + queue + SEP + step;
  }

  List<String> queueSteps(String queue) {
    List<String> keys = new ArrayList<>(STEPS.length);
    for (int s : STEPS) {
      keys.add(queue(queue, s));
    }
    return keys;
  }

  String binding(String exchange) {
    return prefix + "_kombu.binding." + exchange;
  }

  static String bindingMember(String routingKey, String queue) {
    return routingKey + SEP + SEP + queue;
  }

  String unacked() {
    return prefix + "unacked";
  }

  String unackedIndex() {
    return prefix + "unacked_index";
  }

  String unackedMutex() {
    return prefix + "unacked_mutex";
  }

  /** Apium's dead-letter list: one JSON record per message that could not be processed. */
  String dead() {
    return prefix + "apium.dead";
  }

  /**
   * Apium's liveness records: a zset of the tag prefixes of live Apium consumers, scored by when
   * each was last seen (epoch seconds).
   */
  String consumers() {
    return prefix + "apium.consumers";
  }

  /**
   * A consumer's landing list: where its blocking wait moves the one message it takes off a queue,
   * until {@code hold.lua} moves it on into {@code unacked} (normally empty or one message).
   */
  String landing(String tagPrefix) {
    String id =
        tagPrefix.endsWith(".") ? tagPrefix.substring(0, tagPrefix.length() - 1) : tagPrefix;
    return prefix + "apium.landing." + id;
  }

  /** Any other key of Apium's, behind {@code global_keyprefix}. */
  String prefixed(String key) {
    return prefix + key;
  }

  /** The PUBLISH channel of a fan-out message. */
  String channel(String exchange, String routingKey) {
    String base = prefix + "/" + db + "." + exchange;
    return routingKey == null || routingKey.isEmpty() ? base : base + "/" + routingKey;
  }

  /**
   * The PSUBSCRIBE patterns of a fan-out binding: {@code #} becomes {@code *} as in kombu; an empty
   * binding key listens to every routing key, with or without one.
   */
  List<String> patterns(String exchange, String bindingKey) {
    if (bindingKey == null || bindingKey.isEmpty()) {
      return List.of(channel(exchange, ""), channel(exchange, "*"));
    }
    return List.of(channel(exchange, bindingKey.replace("#", "*")));
  }
}
