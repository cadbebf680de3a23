package dev.apium;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;

/**
 * A task call that can be sent, passed around or composed (Celery's {@code signature}): a task
 * name, arguments and options, bound to an app. Immutable: every {@code with}/{@code set} returns a
 * copy. The wire form is {@link #data()}, a {@link dev.apium.protocol.Signature}.
 */
public final class Signature {
  private final Apium app;
  private final dev.apium.protocol.Signature data;

  Signature(Apium app, dev.apium.protocol.Signature data) {
    this.app = app;
    this.data = data;
  }

  /** Wraps a signature dict (e.g. one received from Python) for sending with this app. */
  public static Signature of(Apium app, dev.apium.protocol.Signature data) {
    return new Signature(app, data);
  }

  public dev.apium.protocol.Signature data() {
    return data;
  }

  public String task() {
    return data.task();
  }

  public Apium app() {
    return app;
  }

  /** Celery's {@code .si()}: the parent result is not prepended when used as a callback. */
  public Signature immutable() {
    return new Signature(
        app,
        new dev.apium.protocol.Signature(
            data.task(), data.args(), data.kwargs(), data.options(), data.subtaskType(), true));
  }

  /** Sets an option by its Celery name: {@code queue, priority, countdown, expires, task_id...}. */
  public Signature set(String option, Object value) {
    return new Signature(app, data.withOption(option, value));
  }

  /** Appends positional arguments (Celery's partial application). */
  public Signature withArgs(Object... more) {
    ArrayNode args = data.args().deepCopy();
    for (Object arg : more) {
      args.add(CeleryJson.toTree(arg));
    }
    return new Signature(app, data.withArgs(args));
  }

  /** Adds a success callback ({@code link}). */
  public Signature link(Signature callback) {
    return new Signature(app, appendOption("link", callback));
  }

  /** Adds an error callback ({@code link_error}). */
  public Signature linkError(Signature errback) {
    return new Signature(app, appendOption("link_error", errback));
  }

  private dev.apium.protocol.Signature appendOption(String name, Signature sig) {
    ArrayNode list = CeleryJson.array();
    var existing = data.options().get(name);
    if (existing != null && existing.isArray()) {
      list.addAll((ArrayNode) existing);
    } else if (existing != null && existing.isObject()) {
      list.add(existing);
    }
    list.add(sig.data().toJson());
    return data.withOption(name, list);
  }

  /** Sends the task; the result converts to plain Java values. */
  public AsyncResult<Object> delay() {
    return applyAsync(null, Object.class);
  }

  /** Sends the task; the result converts to {@code resultType}. */
  public <T> AsyncResult<T> delay(Class<T> resultType) {
    return applyAsync(null, resultType);
  }

  public AsyncResult<Object> applyAsync(CallOptions options) {
    return applyAsync(options, Object.class);
  }

  public <T> AsyncResult<T> applyAsync(CallOptions options, Class<T> resultType) {
    return app.publisher().send(data, options, app.type(resultType));
  }

  @Override
  public String toString() {
    return data.task() + data.args();
  }
}
