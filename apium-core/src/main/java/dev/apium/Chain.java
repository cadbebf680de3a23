package dev.apium;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks run one after the other, each getting the previous result as its first argument (unless
 * immutable): Celery's {@code chain(a, b, c)}. Only the first task is published; the rest travel in
 * its {@code embed.chain}. A group followed by a task becomes a chord, as in Celery. Immutable; the
 * result is the last task's, with {@link AsyncResult#parent()} links back to the first.
 */
public final class Chain implements Canvas {
  private final Apium app;
  private final List<Canvas> tasks;
  private final ObjectNode options;

  private Chain(Apium app, List<Canvas> tasks, ObjectNode options) {
    this.app = app;
    this.tasks = List.copyOf(tasks);
    this.options = options;
  }

  public static Chain of(Canvas first, Canvas... rest) {
    List<Canvas> all = new ArrayList<>();
    all.add(first);
    all.addAll(List.of(rest));
    return of(all);
  }

  /**
   * A chain of {@code tasks}; may be empty, as Celery's {@code chain()}, e.g. to replace a task
   * with (which fails as Celery's {@code ImproperlyConfigured}), but an empty chain cannot be sent.
   */
  public static Chain of(List<? extends Canvas> tasks) {
    return new Chain(
        tasks.isEmpty() ? null : tasks.get(0).app(), new ArrayList<>(tasks), CeleryJson.object());
  }

  /** The empty chain (Celery's {@code chain()}). */
  public static Chain of() {
    return of(List.of());
  }

  /** The same chain (and options) with other tasks: used by {@link Stamping}. */
  Chain withTasks(List<Canvas> replaced) {
    return new Chain(app, replaced, options);
  }

  /** Celery 5.3+'s stamping: every task of the chain (and its callbacks) carries the stamp. */
  public Chain stamp(String name, Object value) {
    return (Chain) Stamping.stamp(this, name, value);
  }

  /** This chain followed by {@code next}. */
  public Chain then(Canvas next) {
    List<Canvas> all = new ArrayList<>(tasks);
    all.add(next);
    return new Chain(app, all, options);
  }

  /** Sent with the chain's result once its last task succeeds (Celery's {@code chain.link}). */
  public Chain link(Signature callback) {
    return new Chain(
        app, tasks, CanvasForms.appendList(data(), "link", List.of(callback.data())).options());
  }

  /** Sent (or called) when any task of the chain fails. */
  public Chain linkError(Signature errback) {
    return new Chain(
        app,
        tasks,
        CanvasForms.appendList(data(), "link_error", List.of(errback.data())).options());
  }

  public List<Canvas> tasks() {
    return tasks;
  }

  @Override
  public Apium app() {
    return app;
  }

  @Override
  public dev.apium.protocol.Signature data() {
    return CanvasForms.chain(tasks.stream().map(Canvas::data).toList(), options.deepCopy());
  }

  public AsyncResult<Object> delay() {
    return applyAsync(null, Object.class);
  }

  public <T> AsyncResult<T> delay(Class<T> resultType) {
    return applyAsync(null, resultType);
  }

  public AsyncResult<Object> applyAsync(CallOptions options) {
    return applyAsync(options, Object.class);
  }

  /**
   * Sends the chain; {@code options.taskId} names the last task, routing applies to the first. The
   * result is the last step's: for a chain ending in a group, as in Celery, the group's, which
   * {@link AsyncResult#group()} gives as a {@link GroupResult} and whose {@code get} returns the
   * members' results as a list (so {@code resultType} is then a {@code List} or {@code Object}).
   */
  public <T> AsyncResult<T> applyAsync(CallOptions options, Class<T> resultType) {
    requireTasks();
    return new CanvasSender(app).apply(data(), CanvasApply.from(options)).toResult(app, resultType);
  }

  /**
   * Sends a chain whose last step is a group; the result is that group's.
   *
   * @deprecated {@link #applyAsync(CallOptions)} now returns the group's result for such a chain:
   *     use {@code applyAsync(options).group().orElseThrow()}
   */
  @Deprecated
  public GroupResult applyAsyncGroup(CallOptions options) {
    requireTasks();
    if (!endsInGroup()) {
      throw new IllegalArgumentException(
          "chain " + this + " does not end in a group: use applyAsync");
    }
    return new CanvasSender(app).apply(data(), CanvasApply.from(options)).toGroupResult(app);
  }

  private void requireTasks() {
    if (tasks.isEmpty()) {
      throw new IllegalStateException(
          "an empty chain has nothing to send (Celery's chain() sends nothing either): add tasks");
    }
  }

  private boolean endsInGroup() {
    Canvas last = tasks.get(tasks.size() - 1);
    if (last instanceof Chain inner) {
      return inner.endsInGroup();
    }
    return CanvasForms.is(last.data(), CanvasForms.GROUP)
        && CanvasForms.tasks(last.data()).size() > 1;
  }

  @Override
  public String toString() {
    return "chain" + tasks;
  }
}
