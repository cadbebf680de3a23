package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The results of a group's members, in group order: join them, count the finished ones, or save the
 * group in the backend ({@code celery-taskset-meta-<id>} = {@code {"result": [[gid, null], [[[id,
 * null], null], ...]]}}) and restore it elsewhere, Python included. Immutable; thread-safe.
 */
public final class GroupResult {
  private final Apium app;
  private final String id;
  private final List<AsyncResult<Object>> results;
  private final AsyncResult<?> parent;

  GroupResult(Apium app, String id, List<AsyncResult<Object>> results) {
    this(app, id, results, null);
  }

  GroupResult(Apium app, String id, List<AsyncResult<Object>> results, AsyncResult<?> parent) {
    this.app = app;
    this.id = id;
    this.results = List.copyOf(results);
    this.parent = parent;
  }

  /** Reads a group saved with {@link #save()} (by Apium or Python Celery). */
  public static Optional<GroupResult> restore(Apium app, String groupId) {
    return app.backend()
        .restoreGroup(groupId)
        .map(
            tuple -> {
              List<AsyncResult<Object>> members = new ArrayList<>();
              for (JsonNode member : tuple.path(1)) {
                members.add(ResultTuples.read(app, member));
              }
              return new GroupResult(app, groupId, members);
            });
  }

  public String id() {
    return id;
  }

  Apium app() {
    return app;
  }

  /** The step before the group in its chain (Celery's {@code GroupResult.parent}), or null. */
  public AsyncResult<?> parent() {
    return parent;
  }

  /**
   * The members' results in group order; a member whose own result is a group (a chain ending in a
   * group) stands for that group: see {@link AsyncResult#group()}.
   */
  public List<AsyncResult<Object>> results() {
    return results;
  }

  public int size() {
    return results.size();
  }

  /** Members that finished successfully (Celery's {@code completed_count}). */
  public int completedCount() {
    return (int) results.stream().filter(AsyncResult::successful).count();
  }

  public boolean ready() {
    return results.stream().allMatch(AsyncResult::ready);
  }

  public boolean successful() {
    return results.stream().allMatch(AsyncResult::successful);
  }

  public boolean failed() {
    return results.stream().anyMatch(r -> TaskState.propagates(r.state()));
  }

  /**
   * Waits for every member and returns their results in group order.
   *
   * @throws TaskFailedException for the first member (in group order) that failed
   * @throws TaskTimeoutException when the group is not done within {@code timeout}
   */
  public List<Object> join(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Object> values = new ArrayList<>(results.size());
    for (AsyncResult<Object> result : results) {
      long left = Math.max(0, deadline - System.nanoTime());
      values.add(result.get(Duration.ofNanos(left)));
    }
    return values;
  }

  /**
   * Celery's tuple form ({@code as_tuple()}): {@code [[gid, null], [[[id, parent], null], ...]]}. A
   * task returning a GroupResult stores this, which Python's {@code result_from_tuple} reads back.
   */
  @com.fasterxml.jackson.annotation.JsonValue
  public JsonNode toTuple() {
    ArrayNode tuple = CeleryJson.array();
    ArrayNode head = tuple.addArray().add(id);
    if (parent == null) {
      head.addNull();
    } else {
      head.add(parent.toTuple());
    }
    ArrayNode members = tuple.addArray();
    for (AsyncResult<Object> r : results) {
      members.add(r.toTuple());
    }
    return tuple;
  }

  /** Stores the group so {@link #restore} (or Python's {@code GroupResult.restore}) finds it. */
  public GroupResult save() {
    app.backend().saveGroup(id, toTuple());
    return this;
  }

  /** Deletes the saved group and every member's result. */
  public void forget() {
    app.backend().forgetGroup(id);
    results.forEach(AsyncResult::forget);
  }

  /** The members' stored metas, PENDING ones empty. */
  public List<Optional<ResultMeta>> metas() {
    return results.stream().map(AsyncResult::meta).toList();
  }

  @Override
  public String toString() {
    return "GroupResult[" + id + "]" + results;
  }
}
