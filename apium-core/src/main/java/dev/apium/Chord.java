package dev.apium;

import dev.apium.protocol.CanvasForms;
import java.util.List;

/**
 * A group whose results, as one list ordered like the header, become the first argument of a body
 * task: Celery's {@code chord(header)(body)}. The size is recorded before the header is sent; the
 * worker that finishes the last header task sends the body, exactly once; a failed header task
 * fails the body with {@code ChordError}. Immutable; the result is the body's.
 */
public final class Chord implements Canvas {
  private final Group header;
  private final Canvas body;

  private Chord(Group header, Canvas body) {
    this.header = header;
    this.body = body;
  }

  public static Chord of(Group header, Canvas body) {
    return new Chord(header, body);
  }

  public static Chord of(List<? extends Canvas> header, Canvas body) {
    return new Chord(Group.of(header), body);
  }

  /**
   * A chord of {@code size} header tasks pulled one at a time from {@code header} as they are sent,
   * for headers too big to hold in memory: see {@link StreamingChord}.
   */
  public static StreamingChord streaming(
      int size, java.util.Iterator<? extends Canvas> header, Canvas body) {
    return new StreamingChord(size, header, body);
  }

  /** Celery 5.3+'s stamping: the header members and the body carry the stamp. */
  public Chord stamp(String name, Object value) {
    return (Chord) Stamping.stamp(this, name, value);
  }

  public Group header() {
    return header;
  }

  public Canvas body() {
    return body;
  }

  /** This chord then {@code next}: a {@link Chain}. */
  public Chain then(Canvas next) {
    return Chain.of(this, next);
  }

  @Override
  public Apium app() {
    return header.app();
  }

  @Override
  public dev.apium.protocol.Signature data() {
    return CanvasForms.chord(
        CanvasForms.array(CanvasForms.tasks(header.data())), body.data(), null);
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

  /** Sends the header; {@code options.taskId} names the body's result. */
  public <T> AsyncResult<T> applyAsync(CallOptions options, Class<T> resultType) {
    return new CanvasSender(app())
        .apply(data(), CanvasApply.from(options))
        .toResult(app(), resultType);
  }

  @Override
  public String toString() {
    return "chord(" + header + ", " + body + ")";
  }
}
