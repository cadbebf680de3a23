package dev.apium;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A task call that can be sent, passed around or composed (Celery's {@code signature}): a task
 * name, arguments and options, bound to an app. Immutable: every {@code with}/{@code set} returns a
 * copy. The wire form is {@link #data()}, a {@link dev.apium.protocol.Signature}.
 */
public final class Signature implements Canvas {
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

  @Override
  public dev.apium.protocol.Signature data() {
    return data;
  }

  public String task() {
    return data.task();
  }

  @Override
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

  /** Celery's {@code .si()}: same as {@link #immutable()}. */
  public Signature si() {
    return immutable();
  }

  /** Route to this queue. */
  public Signature queue(String name) {
    return set("queue", name);
  }

  public Signature priority(int value) {
    return set("priority", value);
  }

  /** Run no earlier than this long after sending. */
  public Signature countdown(Duration value) {
    return set("countdown", value.toMillis() / 1000.0);
  }

  /** Fixes the task id (normally frozen when the canvas is sent). */
  public Signature taskId(String id) {
    return set("task_id", id);
  }

  /** Adds keyword arguments. */
  public Signature withKwargs(Map<String, ?> more) {
    ObjectNode kwargs = data.kwargs().deepCopy();
    more.forEach((k, v) -> kwargs.set(k, CeleryJson.toTree(v)));
    return new Signature(app, CanvasForms.withKwargs(data, kwargs));
  }

  /** This task then {@code next}: a {@link Chain}. */
  public Chain then(Canvas next) {
    return Chain.of(this, next);
  }

  /** Celery's {@code task.map(items)}: one task that calls this one for each item, in order. */
  public Signature map(List<?> items) {
    return mapOver("celery.map", "xmap", items);
  }

  /** Celery's {@code task.starmap(items)}: like {@link #map} with each item a list of args. */
  public Signature starmap(List<? extends List<?>> items) {
    return mapOver("celery.starmap", "xstarmap", items);
  }

  /** Celery's {@code task.chunks(items, n)}: a group of starmaps over parts of {@code n} items. */
  public Chunks chunks(List<? extends List<?>> items, int n) {
    return new Chunks(app, data, (ArrayNode) CeleryJson.toTree(items), n);
  }

  private Signature mapOver(String task, String type, List<?> items) {
    return new Signature(
        app, CanvasForms.mapOver(task, type, data.toJson(), (ArrayNode) CeleryJson.toTree(items)));
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

  /**
   * Celery 5.3+'s stamping ({@code sig.stamp(name=value)}): the task message carries {@code
   * stamped_headers} and {@code stamps}, and so do this signature's callbacks; a Python task reads
   * it as {@code self.request.stamps}.
   */
  public Signature stamp(String name, Object value) {
    return Stamping.stampSignature(this, name, value);
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
    return applyAsync(options, app.type(resultType));
  }

  /**
   * Sends the task; the result converts to a generic type: {@code sig.delay(new
   * TypeReference<List<Order>>() {})}.
   */
  public <T> AsyncResult<T> delay(TypeReference<T> resultType) {
    return applyAsync(null, app.type(resultType));
  }

  /** Sends the task with options; the result converts to a generic type. */
  public <T> AsyncResult<T> applyAsync(CallOptions options, TypeReference<T> resultType) {
    return applyAsync(options, app.type(resultType));
  }

  /**
   * Sends the task; the result converts to a Jackson type, e.g. one built with {@code
   * CeleryJson.MAPPER.getTypeFactory()}. The caller picks {@code T} to match it.
   */
  public <T> AsyncResult<T> applyAsync(CallOptions options, JavaType resultType) {
    if (data.subtaskType() != null) {
      Frozen sent = new CanvasSender(app).apply(data, CanvasApply.from(options));
      if (sent == null) {
        throw new IllegalArgumentException("cannot send an empty chain");
      }
      return sent.toResult(app, resultType);
    }
    return app.publisher().send(data, options, resultType);
  }

  @Override
  public String toString() {
    return data.task() + data.args();
  }
}
