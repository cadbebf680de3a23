package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Celery's result tuple form ({@code result_from_tuple}): {@code [[id, parent], null]} is a
 * task's result, {@code [[gid, parent], [member tuples...]]} a group's, the parent itself a tuple
 * or null (a bare id is read as an id without parent). Used by {@link AsyncResult#children()},
 * {@link AsyncResult#fromTuple} and {@link GroupResult#restore}; stateless, any thread.
 */
final class ResultTuples {
  private ResultTuples() {}

  static AsyncResult<Object> read(Apium app, Object tuple) {
    JsonNode node = tuple instanceof JsonNode json ? json : CeleryJson.toTree(tuple);
    if (node == null || !node.isArray() || node.size() != 2) {
      throw new IllegalArgumentException(
          "not a Celery result tuple ([[id, parent], children-or-null]): "
              + node
              + "; pass what a task that returned an AsyncResult or GroupResult stored");
    }
    JsonNode head = node.get(0);
    String id;
    AsyncResult<?> parent = null;
    if (head.isArray()) {
      id = head.path(0).asText(null);
      JsonNode up = head.get(1);
      if (up != null && !up.isNull()) {
        parent = read(app, up);
      }
    } else {
      id = head.asText(null);
    }
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("a Celery result tuple without an id: " + node);
    }
    JsonNode nodes = node.get(1);
    if (nodes == null || nodes.isNull()) {
      return app.resultOf(id, app.type(Object.class), parent);
    }
    List<AsyncResult<Object>> members = new ArrayList<>();
    for (JsonNode member : nodes) {
      members.add(read(app, member));
    }
    return AsyncResult.ofGroup(new GroupResult(app, id, members, parent), app.type(Object.class));
  }
}
