package dev.apium.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Celery's remote-control wire format (kombu pidbox), shared by the worker's mailbox ({@code
 * dev.apium.worker.Mailbox}) and the client's {@code dev.apium.Control}: the request broadcast on
 * the fan-out exchange {@code celery.pidbox} and the reply sent to the direct exchange {@code
 * reply.celery.pidbox} with the requester's oid as routing key. Stateless.
 */
public final class Pidbox {
  public static final String EXCHANGE = "celery.pidbox";
  public static final String REPLY_EXCHANGE = "reply.celery.pidbox";

  private Pidbox() {}

  /** The reply queue of a client: {@code <oid>.reply.celery.pidbox}. */
  public static String replyQueue(String oid) {
    return oid + "." + REPLY_EXCHANGE;
  }

  /** A request: headers {@code clock, expires}, delivery_mode 2, the command body. */
  public static WireMessage request(long clock, double expires, Map<String, Object> body) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("clock", clock);
    headers.put("expires", expires);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", 2);
    properties.put("priority", 0);
    return WireMessage.json(headers, properties, json(body));
  }

  /** A reply: headers {@code ticket, clock}, delivery_mode 1, body {@code {nodename: result}}. */
  public static WireMessage reply(String ticket, long clock, String nodename, JsonNode result) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("ticket", ticket);
    headers.put("clock", clock);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", 1);
    properties.put("priority", 0);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(nodename, result);
    return WireMessage.json(headers, properties, json(body));
  }

  public static byte[] json(Object body) {
    try {
      return CeleryJson.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("control message cannot be written as JSON", e);
    }
  }

  public static JsonNode ok(String text) {
    return CeleryJson.object().put("ok", text);
  }

  public static JsonNode error(String text) {
    return CeleryJson.object().put("error", text);
  }
}
