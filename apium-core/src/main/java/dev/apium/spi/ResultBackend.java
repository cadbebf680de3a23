package dev.apium.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ResultMeta;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where task states and results live ({@code celery-task-meta-<id>} and friends). One instance is
 * shared by every thread of a process; implementations are thread-safe. Results expire after the
 * {@code result_expires} setting the backend was created with.
 */
public interface ResultBackend extends AutoCloseable {

  /**
   * Stores a state. A stored SUCCESS is never overwritten (a duplicate delivery cannot change a
   * result); every other state replaces the previous one. Wakes {@link #awaitReady} waiters when
   * the state is ready.
   */
  void store(ResultMeta meta);

  /**
   * Stores a state on behalf of a task whose message named {@code replyTo} (its {@code reply_to}
   * property). Backends that route results to the sender (RPC over AMQP) publish to that queue;
   * every other backend ignores it and stores as {@link #store(ResultMeta)} does. The worker calls
   * this rather than {@code store} for task states.
   */
  default void storeFor(ResultMeta meta, String replyTo) {
    store(meta);
  }

  /**
   * {@link #storeFor} without waiting: the future completes once the backend has the state, or
   * fails with {@link BrokerException}. States of one task stored from one thread keep their order.
   * The default stores synchronously; backends that can pipeline override it.
   */
  default CompletableFuture<Void> storeForAsync(ResultMeta meta, String replyTo) {
    try {
      storeFor(meta, replyTo);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The {@code reply_to} a client must put on the tasks it sends so that their results come back to
   * this process (the RPC backend's reply queue); empty when the backend does not care.
   */
  default Optional<String> replyTo() {
    return Optional.empty();
  }

  /** The latest stored state, or empty when none (PENDING). */
  Optional<ResultMeta> get(String taskId);

  /**
   * Completes with the meta once the task reaches a ready state (SUCCESS, FAILURE, REVOKED),
   * immediately when it already has. Push-based where the store can push (Redis pub/sub, AMQP
   * replies); never a busy poll. Many waiters share one subscription. Cancelling the future stops
   * the wait.
   */
  CompletableFuture<ResultMeta> awaitReady(String taskId);

  /**
   * A hint from a client that just sent this task and will likely wait for it: a backend that
   * pushes results (Redis pub/sub) can start listening now, so the result is already here when
   * {@link #awaitReady} is called. Must not block; the default does nothing.
   */
  default void expect(String taskId) {}

  /** Deletes the task's result. */
  void forget(String taskId);

  /** Saves a group result tuple ({@code celery-taskset-meta-<gid>}: {@code {"result": tuple}}). */
  void saveGroup(String groupId, JsonNode resultTuple);

  Optional<JsonNode> restoreGroup(String groupId);

  void forgetGroup(String groupId);

  /** Records a chord's header size before its header tasks are sent ({@code .s}). */
  void chordSetSize(String groupId, int size);

  /** Adds tasks to a running chord ({@code .t}, Celery's {@code add_to_chord}). */
  void chordAddTasks(String groupId, int count);

  /**
   * Records one finished header task and, atomically, tells whether it was the last. Returns the
   * parts ordered by group index exactly once per chord: to the one caller whose part completed it.
   * Recording the same task id twice (redelivery, retry) counts it once. All chord keys expire.
   */
  Optional<List<ChordPart>> chordPartDone(String groupId, int groupIndex, ChordPart part);

  /** Persists a revoked task id so every worker, now or after a restart, refuses it. */
  void markRevoked(String taskId, Duration keepFor);

  /** Every revoked id that has not expired. */
  Set<String> revokedIds();

  /**
   * The store that coordinates beat schedulers sharing this backend (leader lease, idempotency
   * keys, last-run state); empty when the backend cannot hold such state (then a beat runs alone,
   * with its state in memory).
   */
  default Optional<CoordinationStore> coordination() {
    return Optional.empty();
  }

  /** Short description for banners and logs, with any password masked. */
  String describe();

  @Override
  void close();
}
