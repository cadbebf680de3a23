package dev.apium;

import dev.apium.protocol.AuthSerializer;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MessageLimits;
import dev.apium.protocol.SignatureRejectedException;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an app does to every task message on its way out and in, from its settings: signs with
 * Celery's {@code auth} serializer when {@code task_serializer=auth} ({@code security_key}, {@code
 * security_certificate}, {@code security_digest}), verifies signed messages against {@code
 * security_cert_store} and refuses unsigned ones when {@code accept_content=['auth']}, and keeps
 * reading within {@link MessageLimits}. Built once per app; immutable and thread-safe, called from
 * client and broker threads.
 */
public final class MessageCodec {
  private final AuthSerializer auth;
  private final boolean sign;
  private final boolean requireSigned;
  private final MessageLimits limits;

  private MessageCodec(
      AuthSerializer auth, boolean sign, boolean requireSigned, MessageLimits limits) {
    this.auth = auth;
    this.sign = sign;
    this.requireSigned = requireSigned;
    this.limits = limits;
  }

  /** The codec the settings describe; throws naming the setting when they are inconsistent. */
  static MessageCodec of(ApiumConfig config, Instant now) {
    MessageLimits limits =
        new MessageLimits(
            Long.parseLong(
                config.get(
                    MessageLimits.MAX_DECOMPRESSED_BYTES,
                    Long.toString(MessageLimits.DEFAULT.maxDecompressedBytes()))),
            config.getInt(MessageLimits.MAX_JSON_DEPTH, MessageLimits.DEFAULT.maxJsonDepth()));
    String resultSerializer = config.get("result_serializer");
    if (resultSerializer != null
        && !resultSerializer.isBlank()
        && !resultSerializer.equals("json")) {
      throw new IllegalArgumentException(
          "result_serializer="
              + resultSerializer
              + " is not supported: Apium stores results as JSON, Celery's default, which"
              + " setup_security keeps (it signs task messages, not results); remove"
              + " result_serializer or set it to json");
    }
    boolean sign = "auth".equals(config.get("task_serializer"));
    List<String> accept = list(config.get("accept_content"));
    boolean require = accept.equals(List.of("auth"));
    if (accept.contains("auth") && !require) {
      throw new IllegalArgumentException(
          "accept_content="
              + accept
              + ": with the auth serializer accept only it (accept_content=auth), as Celery"
              + " requires; there is no point in signing messages if unsigned ones are accepted");
    }
    if (!sign && !require) {
      return new MessageCodec(null, false, false, limits);
    }
    if (sign != require) {
      throw new IllegalArgumentException(
          "message signing needs both task_serializer=auth and accept_content=auth (as Celery's"
              + " setup_security); got task_serializer="
              + config.get("task_serializer")
              + ", accept_content="
              + accept);
    }
    String key = config.get("security_key");
    String cert = config.get("security_certificate");
    String store = config.get("security_cert_store");
    if (key == null || cert == null || store == null) {
      throw new IllegalArgumentException(
          "task_serializer=auth needs security_key, security_certificate and"
              + " security_cert_store (missing: "
              + (key == null ? "security_key " : "")
              + (cert == null ? "security_certificate " : "")
              + (store == null ? "security_cert_store" : "").trim()
              + ")");
    }
    AuthSerializer auth =
        new AuthSerializer(
            SecurityFiles.key(key),
            SecurityFiles.certificate(cert),
            SecurityFiles.store(store, now),
            config.get("security_digest", "sha256"));
    return new MessageCodec(auth, true, true, limits);
  }

  private static List<String> list(String value) {
    if (value == null || value.isBlank()) {
      return List.of("json");
    }
    return Arrays.stream(value.replaceAll("[\\[\\]'\" ]", "").split(","))
        .filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT))
        .map(s -> s.equals(AuthSerializer.CONTENT_TYPE) ? "auth" : s)
        .toList();
  }

  /** True when messages pass through this codec at all (signing on, or limits not the default). */
  boolean active() {
    return sign || requireSigned || !limits.equals(MessageLimits.DEFAULT);
  }

  public boolean signs() {
    return sign;
  }

  public MessageLimits limits() {
    return limits;
  }

  /** The message as it goes on the wire: signed when task messages are signed. */
  public WireMessage seal(WireMessage message) {
    return sign && message.header("task") != null ? auth.sign(message) : message;
  }

  /**
   * The plain JSON message inside a delivery: inflated within the size cap, its signature checked
   * when it has one or when signatures are required, its nesting checked against the depth cap.
   *
   * @throws dev.apium.protocol.MalformedMessageException (or its {@link
   *     SignatureRejectedException}) with the reason
   */
  public WireMessage open(WireMessage message, String queue) {
    WireMessage plain = message;
    if (message.header("compression") != null) {
      plain = withoutCompression(message);
    }
    if (AuthSerializer.CONTENT_TYPE.equals(plain.contentType())) {
      if (auth == null) {
        throw new SignatureRejectedException(
            "signed message (Celery's auth serializer) but this app has no security_cert_store:"
                + " configure message signing to read it");
      }
      plain = auth.verify(plain);
    } else if (requireSigned && !queue.endsWith(".pidbox")) {
      throw new SignatureRejectedException(
          "unsigned message (content type "
              + plain.contentType()
              + ") refused: accept_content is ['auth'], so only signed messages run");
    }
    if (limits.maxJsonDepth() != MessageLimits.DEFAULT.maxJsonDepth()) {
      CeleryJson.parse(plain.body(), limits.maxJsonDepth());
    }
    return plain;
  }

  /**
   * The task in a delivery read straight from a transport, signature and limits checked. Deliveries
   * from {@link Apium#broker()} are already opened (the worker's {@code TaskMessageCodec.decode} is
   * then enough); do not open them twice.
   */
  public TaskMessage decode(Delivery delivery) {
    return TaskMessageCodec.decode(open(delivery.message(), delivery.queue()), limits);
  }

  private WireMessage withoutCompression(WireMessage message) {
    byte[] body = TaskMessageCodec.decompress(message, limits.maxDecompressedBytes());
    Map<String, Object> headers = new java.util.LinkedHashMap<>(message.headers());
    headers.remove("compression");
    return new WireMessage(
        headers, message.properties(), message.contentType(), message.contentEncoding(), body);
  }
}
