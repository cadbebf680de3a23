package dev.apium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;

/**
 * What happens after a task's result is stored: the canvas follow-ups (callbacks, the next chain
 * link, the chord join, errbacks). Called on the pool thread that ran the task, before an {@code
 * acks_late} acknowledgement, so a crash in between redelivers rather than loses the follow-up.
 */
interface TaskOutcomeHook {
  void onSuccess(Request request, JsonNode result);

  void onFailure(Request request, ExceptionInfo error, String traceback);
}
