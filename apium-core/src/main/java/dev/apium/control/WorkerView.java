package dev.apium.control;

import dev.apium.events.EventDispatcher;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the remote-control commands ({@link WorkerCommands}) need from a worker engine: what it
 * holds and has done, and the few actions Celery's control commands take. The engine implements it;
 * every method may be called on the mailbox thread while tasks run, so implementations read
 * thread-safe state and return copies.
 */
public interface WorkerView {
  String nodename();

  /** Tasks running now. */
  List<RequestSnapshot> active();

  /** Tasks received and waiting for a pool thread or a rate-limit token (not ETA, not running). */
  List<RequestSnapshot> reserved();

  /** Tasks held until their ETA. */
  List<RequestSnapshot> scheduled();

  /** Registered task names, sorted. */
  Collection<String> registered();

  /** Tasks started since start, per task name ({@code stats.total}). */
  Map<String, Long> totals();

  /** Tasks finished since start (heartbeats' {@code processed}). */
  long processed();

  int poolSize();

  int concurrency();

  int prefetchCount();

  Duration uptime();

  /** The broker URL (password masked by the caller). */
  String brokerUrl();

  String backendDescription();

  /** Queues consumed now. */
  List<String> queues();

  /** The settings set explicitly (not the defaults). */
  Map<String, String> conf();

  /** The worker's event dispatcher (its clock is the worker's logical clock). */
  EventDispatcher events();

  Collection<String> revokedIds();

  /** Remembers {@code id} as revoked (persisted where the engine persists revokes). */
  void revoke(String id);

  /** Interrupts the task if it runs here and settles it REVOKED; false if it does not run here. */
  boolean terminate(String id);

  /** Sets a task type's time limits in seconds (null = none); false if the task is unknown. */
  boolean timeLimit(String task, Double hard, Double soft);

  /** Starts a warm shutdown on another thread and returns at once. */
  void shutdown();

  /** Adds {@code delta} threads to the pool (negative shrinks, never below 1). */
  void resizePool(int delta);

  /** Whether the pool autoscales; {@link #autoscale} works only then. */
  boolean autoscaling();

  /** Changes the autoscale bounds; returns {@code [max, min]} now in force. */
  int[] autoscale(Integer max, Integer min);

  /** Starts consuming {@code queue}; false if already consumed. */
  boolean addConsumer(String queue);

  /** Stops consuming {@code queue}; false if it was not consumed. */
  boolean cancelConsumer(String queue);
}
