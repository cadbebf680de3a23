package dev.apium;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apium.protocol.CanvasForms;
import dev.apium.protocol.CeleryJson;

/**
 * Celery's {@code task.chunks(items, n)}: the items (each a list of arguments) cut into parts of
 * {@code n}, each part one {@code celery.starmap} task, all sent as a group. Immutable; made by
 * {@link Signature#chunks}.
 */
public final class Chunks implements Canvas {
  private final Apium app;
  private final dev.apium.protocol.Signature task;
  private final ArrayNode items;
  private final int n;

  Chunks(Apium app, dev.apium.protocol.Signature task, ArrayNode items, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1, got " + n);
    }
    this.app = app;
    this.task = task;
    this.items = items;
    this.n = n;
  }

  @Override
  public Apium app() {
    return app;
  }

  @Override
  public dev.apium.protocol.Signature data() {
    return new dev.apium.protocol.Signature(
        "celery.chunks",
        CeleryJson.array(),
        CanvasForms.chunksKwargs(task.toJson(), items.deepCopy(), n),
        null,
        CanvasForms.CHUNKS,
        true);
  }

  /** The group of starmap tasks this stands for. */
  public Group group() {
    return Group.of(
        CanvasForms.tasks(CanvasForms.chunksAsGroup(data())).stream()
            .map(s -> (Canvas) Signature.of(app, s))
            .toList());
  }

  public GroupResult delay() {
    return applyAsync(null);
  }

  public GroupResult applyAsync(CallOptions options) {
    return new CanvasSender(app).apply(data(), CanvasApply.from(options)).toGroupResult(app);
  }
}
