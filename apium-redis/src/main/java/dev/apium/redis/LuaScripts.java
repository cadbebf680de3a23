package dev.apium.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script from {@code dev/apium/redis/lua/}: its text and SHA-1, run with EVALSHA and sent
 * again with EVAL when the server answers NOSCRIPT (a restarted or flushed Redis). Immutable and
 * thread-safe; called from whichever thread runs the operation.
 */
final class LuaScripts {
  private final String name;
  private final String text;
  private final String sha;

  private LuaScripts(String name) {
    this.name = name;
    String path = "/dev/apium/redis/lua/" + name + ".lua";
    try (InputStream in = LuaScripts.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    this.sha = sha1(text);
  }

  static final LuaScripts POP = new LuaScripts("pop");
  static final LuaScripts HOLD = new LuaScripts("hold");
  static final LuaScripts UNLAND = new LuaScripts("unland");
  static final LuaScripts RESTORE = new LuaScripts("restore");
  static final LuaScripts DEAD_LETTER = new LuaScripts("dead_letter");
  static final LuaScripts RELEASE_LOCK = new LuaScripts("release_lock");
  static final LuaScripts PURGE = new LuaScripts("purge");
  static final LuaScripts STORE_RESULT = new LuaScripts("store_result");
  static final LuaScripts SET_PUBLISH = new LuaScripts("set_publish");
  static final LuaScripts CHORD_PART = new LuaScripts("chord_part");
  static final LuaScripts RATE_LIMIT = new LuaScripts("rate_limit");
  static final LuaScripts REPLAY_DEAD = new LuaScripts("replay_dead");
  static final LuaScripts TRIM_DEAD = new LuaScripts("trim_dead");
  static final LuaScripts LEASE_ACQUIRE = new LuaScripts("lease_acquire");
  static final LuaScripts LEASE_RENEW = new LuaScripts("lease_renew");
  static final LuaScripts FENCED_CLAIM = new LuaScripts("fenced_claim");
  static final LuaScripts FENCED_PUT = new LuaScripts("fenced_put");

  /** EVALSHA and its reply (EVAL on NOSCRIPT), waited for with the connection's timeout. */
  <T> T run(BlockingRedis redis, ScriptOutputType type, String[] keys, String... args) {
    return this.<T>send(redis, type, keys, args).await();
  }

  /**
   * EVALSHA sent now and read later with {@link Sent#await}, which sends EVAL on NOSCRIPT (a script
   * that was not loaded did nothing, so running it then is the same call). Lets a caller keep one
   * call in flight while it works on the previous reply; {@link #run} is this, read at once.
   */
  <T> Sent<T> send(BlockingRedis redis, ScriptOutputType type, String[] keys, String... args) {
    return new Sent<>(redis, redis.evalshaAsync(sha, type, keys, args), type, keys, args);
  }

  /** A call {@link #send} wrote; read on the thread that sent it. */
  final class Sent<T> {
    private final BlockingRedis redis;
    private final io.lettuce.core.RedisFuture<T> reply;
    private final ScriptOutputType type;
    private final String[] keys;
    private final String[] args;

    private Sent(
        BlockingRedis redis,
        io.lettuce.core.RedisFuture<T> reply,
        ScriptOutputType type,
        String[] keys,
        String[] args) {
      this.redis = redis;
      this.reply = reply;
      this.type = type;
      this.keys = keys;
      this.args = args;
    }

    /** The reply, waited for with the connection's timeout. */
    T await() {
      try {
        return redis.await(reply);
      } catch (RedisNoScriptException e) {
        return redis.eval(text, type, keys, args);
      }
    }
  }

  /**
   * EVALSHA without waiting; on NOSCRIPT the script text follows with EVAL. The future completes on
   * a Lettuce event-loop thread: callers must not block in what they chain to it.
   */
  <T> java.util.concurrent.CompletableFuture<T> runAsync(
      io.lettuce.core.api.async.RedisAsyncCommands<String, String> redis,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    java.util.concurrent.CompletableFuture<T> out = new java.util.concurrent.CompletableFuture<>();
    redis
        .<T>evalsha(sha, type, keys, args)
        .whenComplete(
            (value, error) -> {
              if (error == null) {
                out.complete(value);
              } else if (error instanceof RedisNoScriptException
                  || error.getCause() instanceof RedisNoScriptException) {
                redis
                    .<T>eval(text, type, keys, args)
                    .whenComplete(
                        (again, failed) -> {
                          if (failed == null) {
                            out.complete(again);
                          } else {
                            out.completeExceptionally(failed);
                          }
                        });
              } else {
                out.completeExceptionally(error);
              }
            });
    return out;
  }

  /**
   * EVAL with the script's text, without waiting. Unlike {@link #runAsync} it never sends a second
   * command after a NOSCRIPT reply, so it keeps its place in the connection's order: whatever is
   * written later on the same connection runs after it.
   */
  <T> io.lettuce.core.RedisFuture<T> evalInOrder(
      io.lettuce.core.api.async.RedisAsyncCommands<String, String> redis,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    return redis.eval(text, type, keys, args);
  }

  String name() {
    return name;
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
