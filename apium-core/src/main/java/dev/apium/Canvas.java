package dev.apium;

/**
 * Anything that can be sent as part of a workflow: a task {@link Signature}, a {@link Chain}, a
 * {@link Group}, a {@link Chord} or {@link Chunks}. Each is an immutable value bound to an app
 * whose wire form is Celery's signature dict ({@link #data()}), so a canvas built in Java can be
 * nested in another, sent to Python, or received from Python and applied here.
 */
public interface Canvas {
  Apium app();

  /** Celery's serialized form: {@code {"task", "args", "kwargs", "options", "subtask_type"...}}. */
  dev.apium.protocol.Signature data();

  /** Wraps a signature dict of any kind (task, chain, group, chord, chunks), e.g. from Python. */
  static Signature of(Apium app, dev.apium.protocol.Signature data) {
    return Signature.of(app, data);
  }
}
