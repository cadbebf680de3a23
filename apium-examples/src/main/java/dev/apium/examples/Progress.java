package dev.apium.examples;

/**
 * Where a batch reports how far it got: the number of tasks it will wait for (may grow while a
 * table is still being split) and each one that finished. Implementations must be thread-safe:
 * {@link #step()} is called from result callbacks.
 */
public interface Progress {
  /** Ignores everything. */
  Progress NONE =
      new Progress() {
        @Override
        public void total(long tasks) {}

        @Override
        public void step() {}
      };

  /** The number of tasks to wait for so far. */
  void total(long tasks);

  /** One more task finished, successfully or not. */
  void step();

  /** The number of rows (or other items) the batch covers, when known; ignored by default. */
  default void totalRows(long rows) {}

  /** {@code rows} more rows were done (with the step that covered them); ignored by default. */
  default void rowsDone(long rows) {}
}
