package dev.apium.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Celery 5.3+'s stamping headers of a task message, in the order and form it writes them after
 * {@code ignore_result}: {@code replaced_task_nesting} (0 unless the task replaced another), {@code
 * stamped_headers} (the stamp names, or null when unstamped) and {@code stamps} (name → value,
 * {@code {}} when unstamped). In a signature's options (chain steps, callbacks) the same stamps
 * travel as Celery's {@code stamped_headers} list plus one option per stamp name. Stateless.
 */
public final class Stamps {
  public static final String REPLACED_TASK_NESTING = "replaced_task_nesting";
  public static final String STAMPED_HEADERS = "stamped_headers";
  public static final String STAMPS = "stamps";

  private Stamps() {}

  /** The three headers for {@code stamps} (in insertion order), as Celery 5.3+ writes them. */
  public static Map<String, Object> headers(Map<String, Object> stamps, int replacedTaskNesting) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(REPLACED_TASK_NESTING, replacedTaskNesting);
    headers.put(STAMPED_HEADERS, stamps.isEmpty() ? null : new ArrayList<>(stamps.keySet()));
    headers.put(STAMPS, new LinkedHashMap<>(stamps));
    return headers;
  }

  /**
   * The stamps a message carries: {@code stamps} restricted to {@code stamped_headers}, as Celery's
   * {@code Request.stamps}; empty for a 5.2-shaped message.
   */
  public static Map<String, Object> of(Map<String, Object> headers) {
    Object names = headers.get(STAMPED_HEADERS);
    Object values = headers.get(STAMPS);
    if (!(names instanceof List<?> list) || list.isEmpty()) {
      return Map.of();
    }
    Map<?, ?> stamps = values instanceof Map<?, ?> map ? map : Map.of();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object name : list) {
      out.put(String.valueOf(name), stamps.get(String.valueOf(name)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** {@code replaced_task_nesting}, 0 when absent. */
  public static int replacedTaskNesting(Map<String, Object> headers) {
    return headers.get(REPLACED_TASK_NESTING) instanceof Number n ? n.intValue() : 0;
  }
}
