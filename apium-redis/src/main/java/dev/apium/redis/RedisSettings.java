package dev.apium.redis;

/**
 * The settings only the Redis transport reads; {@code dev.apium.ApiumConfig} keeps aliases of their
 * names for users. Constants only.
 */
final class RedisSettings {
  /** Seconds a Redis command may wait for its reply before it fails (default 20). */
  static final String SOCKET_TIMEOUT = "redis_socket_timeout";

  /** A prefix put before every key Apium writes, as kombu's {@code global_keyprefix}. */
  static final String GLOBAL_KEYPREFIX = "global_keyprefix";

  private RedisSettings() {}
}
