package dev.apium;

import java.util.Iterator;

/**
 * A chord whose header is too big to build up front: its size is given first (count the input in a
 * cheap pass), then each header task is taken from an iterator, sent and forgotten, so the client
 * holds one task at a time however long the header is. On the wire it is an ordinary chord (the
 * size is recorded before the first header task leaves, each member carries {@code group}, {@code
 * group_index} and the body in {@code embed.chord}), so Celery 5 workers join it too. The iterator
 * may block (e.g. to keep a bounded window of tasks in flight). Sent once, from the calling thread;
 * the result is the body's.
 */
public final class StreamingChord {
  private final int size;
  private final Iterator<? extends Canvas> header;
  private final Canvas body;

  StreamingChord(int size, Iterator<? extends Canvas> header, Canvas body) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "a streaming chord needs a header of at least 1 task, got size " + size);
    }
    this.size = size;
    this.header = header;
    this.body = body;
  }

  /** The number of header tasks declared. */
  public int size() {
    return size;
  }

  public Canvas body() {
    return body;
  }

  public <T> AsyncResult<T> delay(Class<T> resultType) {
    return applyAsync(null, resultType);
  }

  /**
   * Records the size, then pulls and sends the header until the iterator ends; {@code
   * options.taskId} names the body's result. Throws {@link IllegalStateException} when the header
   * yields more or fewer tasks than declared (the extra one is not sent).
   */
  public <T> AsyncResult<T> applyAsync(CallOptions options, Class<T> resultType) {
    Apium app = body.app();
    Iterator<dev.apium.protocol.Signature> members =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return header.hasNext();
          }

          @Override
          public dev.apium.protocol.Signature next() {
            return header.next().data();
          }
        };
    return new CanvasSender(app)
        .applyStreamingChord(size, members, body.data(), CanvasApply.from(options))
        .toResult(app, resultType);
  }

  @Override
  public String toString() {
    return "chord(<" + size + " streamed>, " + body + ")";
  }
}
