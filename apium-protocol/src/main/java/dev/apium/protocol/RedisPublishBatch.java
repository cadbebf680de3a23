package dev.apium.protocol;

import java.util.Base64;
import java.util.Objects;

/**
 * The envelopes of a run of messages published to one exchange with one routing key (a round of
 * {@code task.multi} events), byte for byte what {@link RedisEnvelope#encodeForPublishUtf8} writes
 * for each: everything after the body is written once for as long as the messages' headers,
 * properties, content type and encoding stay the same, and only the base64 body and the delivery
 * tag change from one envelope to the next. Not thread-safe: one instance per publishing call.
 */
public final class RedisPublishBatch {
  private static final byte[] TAG_END = {'"', '}', '}'};

  private final String exchange;
  private final String routingKey;
  private WireMessage shape;

  /** {@code ","content-encoding":...,"delivery_tag":"}: the envelope between body and tag. */
  private byte[] between;

  public RedisPublishBatch(String exchange, String routingKey) {
    this.exchange = exchange;
    this.routingKey = routingKey;
  }

  /** The envelope of {@code message} with {@code deliveryTag}, as UTF-8 bytes. */
  public byte[] encode(WireMessage message, String deliveryTag) {
    int tagLength = deliveryTag.length();
    if (JsonBytes.plainPrefix(deliveryTag, tagLength) < tagLength) { // kombu's tags are uuid4 text
      return RedisEnvelope.encodeForPublishUtf8(message, exchange, routingKey, deliveryTag);
    }
    if (!sameShape(message)) {
      shape = message;
      between = between(message);
    }
    byte[] text = Base64.getEncoder().encode(message.body());
    byte[] open = RedisEnvelope.BODY_OPEN;
    byte[] out = new byte[open.length + text.length + between.length + tagLength + TAG_END.length];
    System.arraycopy(open, 0, out, 0, open.length);
    int at = open.length;
    System.arraycopy(text, 0, out, at, text.length);
    at += text.length;
    System.arraycopy(between, 0, out, at, between.length);
    at += between.length;
    for (int i = 0; i < tagLength; i++) {
      out[at++] = (byte) deliveryTag.charAt(i);
    }
    System.arraycopy(TAG_END, 0, out, at, TAG_END.length);
    return out;
  }

  private boolean sameShape(WireMessage message) {
    return shape != null
        && Objects.equals(message.contentType(), shape.contentType())
        && Objects.equals(message.contentEncoding(), shape.contentEncoding())
        && message.headers().equals(shape.headers())
        && message.properties().equals(shape.properties());
  }

  /**
   * The general writer's text after the body for an empty tag, cut before the tag's value: the
   * body's closing quote and comma, the other fields, and {@code "delivery_tag":"}.
   */
  private byte[] between(WireMessage message) {
    byte[] rest = RedisEnvelope.rest(message, exchange, routingKey, "");
    // rest is {...,"delivery_tag":""}} : keep from after '{' up to and including the tag's quote.
    byte[] out = new byte[2 + rest.length - 1 - TAG_END.length];
    out[0] = '"';
    out[1] = ',';
    System.arraycopy(rest, 1, out, 2, rest.length - 1 - TAG_END.length);
    return out;
  }
}
