package dev.apium;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CeleryJson;
import java.util.List;

/**
 * Celery's {@code request.children}: the result tuples ({@code as_tuple()}) of what a running task
 * sent, which its stored result lists under {@code children}. As Celery's {@code add_to_parent}, a
 * task or a group sent at the top adds one entry (a chain its first task, a chord its header
 * group); the members of a group being sent add none of their own. Owned by one {@link
 * TaskContext}; written on the pool thread running the task (its body and its follow-ups), read
 * when its state is stored (also by the time-limit watchdog, hence the locking).
 */
final class Trail {
  private final ArrayNode children = CeleryJson.array();
  private int groupDepth;

  /** A task message was sent. */
  synchronized void sent(String taskId) {
    if (groupDepth == 0) {
      children.add(tuple(new Frozen(taskId)));
    }
  }

  /** A group's members are being sent: they are not children of their own. */
  synchronized void enterGroup() {
    groupDepth++;
  }

  /** A group was sent; {@code group} is its frozen result (null when it sent nothing). */
  synchronized void leaveGroup(Frozen group) {
    groupDepth--;
    if (groupDepth == 0 && group != null) {
      children.add(tuple(group));
    }
  }

  /** The children so far, as stored: {@code [[[id, parent], null], [[gid, null], [...]]...]}. */
  synchronized ArrayNode toJson() {
    return children.deepCopy();
  }

  /** Celery's {@code as_tuple()}: {@code [[id, parent tuple]], null or member tuples]}. */
  static ArrayNode tuple(Frozen result) {
    ArrayNode tuple = CeleryJson.array();
    ArrayNode head = tuple.addArray();
    head.add(result.id);
    if (result.parent == null) {
      head.addNull();
    } else {
      head.add(tuple(result.parent));
    }
    List<Frozen> members = result.members;
    if (members == null) {
      tuple.addNull();
    } else {
      ArrayNode list = tuple.addArray();
      members.forEach(m -> list.add(tuple(m)));
    }
    return tuple;
  }
}
