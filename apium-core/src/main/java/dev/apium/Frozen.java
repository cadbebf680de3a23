package dev.apium;

import java.util.List;

/**
 * The ids a sent canvas will have results under, known before any task runs: a task's id (with the
 * previous task of its chain as parent), or a group's id with its members. Built by {@link
 * CanvasSender} on the sending thread; the parent link is set once while a chain is prepared.
 */
final class Frozen {
  final String id;
  final List<Frozen> members;
  Frozen parent;

  Frozen(String id) {
    this(id, null);
  }

  Frozen(String id, List<Frozen> members) {
    this.id = id;
    this.members = members;
  }

  <T> AsyncResult<T> toResult(Apium app, Class<T> type) {
    return toResult(app, app.type(type));
  }

  /** A task's result, or for a group one standing for it ({@link AsyncResult#group()}). */
  <T> AsyncResult<T> toResult(Apium app, com.fasterxml.jackson.databind.JavaType type) {
    if (members != null) {
      return AsyncResult.ofGroup(toGroupResult(app), type);
    }
    AsyncResult<?> up = parent == null ? null : parent.toResult(app, Object.class);
    return app.resultOf(id, type, up);
  }

  GroupResult toGroupResult(Apium app) {
    List<AsyncResult<Object>> results =
        members == null
            ? List.of()
            : members.stream().map(m -> m.toResult(app, Object.class)).toList();
    AsyncResult<?> up = parent == null ? null : parent.toResult(app, Object.class);
    return new GroupResult(app, id, results, up);
  }
}
