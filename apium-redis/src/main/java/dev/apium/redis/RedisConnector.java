package dev.apium.redis;

import dev.apium.spi.BrokerException;
import dev.apium.spi.Transports;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Owns one Lettuce {@link RedisClient} for a {@code redis://}, {@code rediss://} or kombu's {@code
 * sentinel://h1:26379;sentinel://h2:26379} URL (the master is asked of the sentinels on every
 * connect and reconnect, so a failover is followed) and opens its connections (RESP2, automatic
 * reconnect, bounded command timeout), turning a failure to connect into a {@link BrokerException}
 * that names host, port and the fix. All connectors of a process share one set of event-loop
 * threads. Called by the broker or backend that owns it, from any thread; {@link #close()} shuts
 * the client down, and the threads with the last connector.
 */
final class RedisConnector implements AutoCloseable {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private static ClientResources shared;
  private static int users;

  private final RedisURI uri;
  private final RedisClient client;
  private final String url;
  private final String setting;
  private final Duration timeout;
  private final OutageLog outages;

  /**
   * @param url {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}, where
   *     Celery's {@code ?ssl_cert_reqs=none|optional|required} sets how the server certificate is
   *     checked (default: fully)
   * @param setting the setting the URL came from, named in error messages ({@code broker_url})
   */
  RedisConnector(String url, String setting) {
    this(url, setting, COMMAND_TIMEOUT);
  }

  /**
   * @param timeout how long a command may wait for its reply ({@code redis_socket_timeout})
   */
  RedisConnector(String url, String setting, Duration timeout) {
    this(url, setting, timeout, Map.of());
  }

  /**
   * @param options Celery's {@code broker_transport_options} or {@code
   *     result_backend_transport_options}: {@code master_name} and {@code sentinel_kwargs.*} for a
   *     {@code sentinel://} URL
   */
  RedisConnector(String url, String setting, Duration timeout, Map<String, String> options) {
    this.url = url;
    this.setting = setting;
    this.timeout = timeout;
    RedisTls tls = RedisTls.from(url);
    this.uri =
        SentinelUrl.is(url)
            ? SentinelUrl.parse(tls.url(), setting, options)
            : parse(tls.url(), setting);
    uri.setTimeout(timeout);
    this.client = new AsyncRedisClient(acquire(), uri);
    ClientOptions.Builder clientOptions =
        tls.options() == null
            ? ClientOptions.builder()
            : ClientOptions.builder().sslOptions(tls.options());
    client.setOptions(
        clientOptions
            .protocolVersion(ProtocolVersion.RESP2)
            .autoReconnect(true)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.outages = new OutageLog(setting, where());
    client.addListener(outages);
  }

  /**
   * Sends a command without waiting: the future completes on Redis's reply, or fails with a {@link
   * BrokerException} naming {@code what} and the server (also when no reply comes within {@link
   * #timeout()}). Completes on a Lettuce event-loop thread.
   */
  CompletableFuture<Void> replied(String what, Supplier<? extends CompletionStage<?>> send) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      send.get()
          .whenComplete(
              (reply, error) -> {
                if (error == null) {
                  done.complete(null);
                } else {
                  RuntimeException e =
                      error instanceof RuntimeException r ? r : new RedisException(error);
                  done.completeExceptionally(failed(what, e));
                }
              });
    } catch (RedisException e) {
      done.completeExceptionally(failed(what, e));
    }
    // No timer of our own: Lettuce times out every command after the same timeout
    // (TimeoutOptions, on its wheel timer), which fails the reply above. A CompletableFuture
    // timeout per send would schedule and cancel a task on the JDK's delayer thread each time
    // and, when nothing else waits there (one call at a time), wake that thread for every send.
    return done;
  }

  /**
   * Whether Redis can be reached now, as far as the connections know: false while one of them is
   * lost and reconnecting. Closing paths ask it so that a worker stopping during an outage does not
   * wait a command timeout for each thing it would give back (the liveness reaper restores those).
   */
  boolean reachable() {
    return outages.connected();
  }

  /** How long a command waits for its reply. */
  Duration timeout() {
    return timeout;
  }

  static RedisURI parse(String url, String setting) {
    String scheme = Transports.scheme(url);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(
          "'" + Transports.mask(url) + "' is not a Redis URL: use redis:// or rediss://");
    }
    String text = url;
    if (text.toLowerCase(Locale.ROOT).matches("rediss?://(/.*)?")) {
      text = text.replaceFirst("://", "://localhost");
    }
    SslVerifyMode verify = null;
    java.util.regex.Matcher certReqs =
        java.util.regex.Pattern.compile("([?&])ssl_cert_reqs=([^&]*)&?").matcher(text);
    if (certReqs.find()) {
      verify =
          switch (certReqs.group(2).toLowerCase(Locale.ROOT)) {
            case "none", "cert_none" -> SslVerifyMode.NONE;
            case "optional", "cert_optional" -> SslVerifyMode.CA;
            default -> SslVerifyMode.FULL;
          };
      text = certReqs.replaceFirst("$1").replaceFirst("[?&]$", "");
    }
    try {
      RedisURI parsed = RedisURI.create(text);
      parsed.setTimeout(COMMAND_TIMEOUT);
      if (verify != null) {
        parsed.setVerifyPeer(verify);
      }
      return parsed;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read "
              + setting
              + " '"
              + Transports.mask(url)
              + "': "
              + e.getMessage()
              + "; write it as redis://[:password@]host:port/db",
          e);
    }
  }

  int database() {
    return uri.getDatabase();
  }

  String where() {
    if (uri.getSentinelMasterId() != null) {
      return SentinelUrl.describe(uri);
    }
    return uri.getHost() + ":" + uri.getPort();
  }

  String describe() {
    return Transports.mask(url);
  }

  StatefulRedisConnection<String, String> connect() {
    try {
      return client.connect(StringCodec.UTF8);
    } catch (RedisException e) {
      throw unreachable(e);
    }
  }

  StatefulRedisPubSubConnection<String, String> connectPubSub() {
    try {
      return client.connectPubSub(StringCodec.UTF8);
    } catch (RedisException e) {
      throw unreachable(e);
    }
  }

  void addListener(io.lettuce.core.RedisConnectionStateListener listener) {
    client.addListener(listener);
  }

  BrokerException unreachable(RuntimeException e) {
    String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    return new BrokerException(
        "cannot connect to Redis at "
            + where()
            + " ("
            + cause
            + "): is redis-server running and are the credentials right? check "
            + setting
            + " '"
            + describe()
            + "'",
        e);
  }

  /** Wraps a command failure into a {@link BrokerException} that names the server. */
  BrokerException failed(String what, RuntimeException e) {
    return new BrokerException(
        "Redis at " + where() + " failed to " + what + ": " + e.getMessage(), e);
  }

  /** Event-loop threads shared by every Redis broker and backend of the process. */
  private static synchronized ClientResources acquire() {
    if (shared == null) {
      shared =
          DefaultClientResources.builder()
              .ioThreadPoolSize(2)
              .computationThreadPoolSize(2)
              .nettyCustomizer(new ConsolidatedFlushes())
              // Apium measures what it needs itself: no per-command latency histograms, which
              // Lettuce would otherwise keep whenever HdrHistogram is on the class path.
              .commandLatencyRecorder(io.lettuce.core.metrics.CommandLatencyRecorder.disabled())
              .commandLatencyPublisherOptions(
                  io.lettuce.core.event.DefaultEventPublisherOptions.disabled())
              .build();
    }
    users++;
    return shared;
  }

  /**
   * Many threads write commands on one connection (pool threads storing results, the ack flusher,
   * pipelined sends); each write would otherwise flush on its own, one {@code write(2)} per
   * command. Netty's {@link io.netty.handler.flush.FlushConsolidationHandler} turns the flushes
   * queued in one event-loop turn into one, and flushes at once when nothing else is pending.
   */
  private static final class ConsolidatedFlushes
      implements io.lettuce.core.resource.NettyCustomizer {
    @Override
    public void afterChannelInitialized(io.netty.channel.Channel channel) {
      channel.pipeline().addFirst(new io.netty.handler.flush.FlushConsolidationHandler(256, true));
    }
  }

  private static synchronized void release() {
    users--;
    if (users == 0 && shared != null) {
      shared.shutdown(0, 2, TimeUnit.SECONDS);
      shared = null;
    }
  }

  @Override
  public void close() {
    outages.closing();
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } finally {
      release();
    }
  }
}
