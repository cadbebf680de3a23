package dev.apium;

import dev.apium.protocol.CanvasForms;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks run in parallel: Celery's {@code group(a, b, c)}, one message per member with headers
 * {@code group} and {@code group_index}. Nested groups are flattened. Immutable; sending returns a
 * {@link GroupResult}.
 */
public final class Group implements Canvas {
  private final Apium app;
  private final List<Canvas> tasks;

  private Group(Apium app, List<Canvas> tasks) {
    this.app = app;
    this.tasks = List.copyOf(tasks);
  }

  public static Group of(Canvas first, Canvas... rest) {
    List<Canvas> all = new ArrayList<>();
    all.add(first);
    all.addAll(List.of(rest));
    return of(all);
  }

  /**
   * A group of {@code tasks}; may be empty, as Celery's {@code group()}: sending it (with {@link
   * #of(Apium, List)}, which knows the app) gives an empty {@link GroupResult}.
   */
  public static Group of(List<? extends Canvas> tasks) {
    return new Group(tasks.isEmpty() ? null : tasks.get(0).app(), new ArrayList<>(tasks));
  }

  /** A group of {@code app}'s, possibly empty. */
  public static Group of(Apium app, List<? extends Canvas> tasks) {
    return new Group(app, new ArrayList<>(tasks));
  }

  /** Celery 5.3+'s stamping: every member (and its callbacks) carries the stamp. */
  public Group stamp(String name, Object value) {
    return (Group) Stamping.stamp(this, name, value);
  }

  /** This group as a chord header whose results go to {@code body}. */
  public Chord then(Canvas body) {
    return Chord.of(this, body);
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
    return CanvasForms.group(tasks.stream().map(Canvas::data).toList(), null);
  }

  public GroupResult delay() {
    return applyAsync(null);
  }

  /** Sends every member; {@code options.taskId} is the group id, routing applies to each member. */
  public GroupResult applyAsync(CallOptions options) {
    if (tasks.isEmpty()) {
      if (app == null) {
        throw new IllegalStateException(
            "an empty group does not know its app: build it with Group.of(app, List.of())");
      }
      return new GroupResult(
          app,
          options != null && options.taskId != null
              ? options.taskId
              : dev.apium.protocol.Uuid4.next(),
          List.of());
    }
    return new CanvasSender(app).apply(data(), CanvasApply.from(options)).toGroupResult(app);
  }

  @Override
  public String toString() {
    return "group" + tasks;
  }
}
