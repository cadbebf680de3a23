package dev.apium.worker;

import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.WireMessage;
import java.util.Locale;

/**
 * What a worker can still say about a message it cannot read: the task id, when the message's
 * {@code id} header holds one, and the Celery-shaped exception a caller's {@code get()} raises for
 * it (kombu's {@code ContentDisallowed} for a content type the worker does not accept, kombu's
 * {@code DecodeError} for a body it cannot decode, Celery's {@code InvalidTaskError} for a task
 * message missing what a task needs or holding args and kwargs of the wrong shape, as Celery's
 * worker raises it). Stateless.
 */
final class UnreadableMessages {
  private UnreadableMessages() {}

  /** The message's task id, or null when it has none a caller could be waiting on. */
  static String taskId(WireMessage message) {
    Object id = message.header("id");
    if (id instanceof String text && !text.isBlank() && text.length() <= 255) {
      return text;
    }
    return null;
  }

  /** The exception stored as the task's FAILURE, named after what was wrong. */
  static ExceptionInfo exception(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.contains("content type")) {
      return ExceptionInfo.of("kombu.exceptions", "ContentDisallowed", reason);
    }
    if (r.contains("args must") || r.contains("kwargs must") || r.contains("has no")) {
      return ExceptionInfo.of("celery.exceptions", "InvalidTaskError", reason);
    }
    if (r.contains("json")
        || r.contains("compress")
        || r.contains("nesting")
        || r.contains("decode")
        || r.contains("base64")
        || r.contains("body")) {
      return ExceptionInfo.of("kombu.exceptions", "DecodeError", reason);
    }
    return ExceptionInfo.of("celery.exceptions", "InvalidTaskError", reason);
  }
}
