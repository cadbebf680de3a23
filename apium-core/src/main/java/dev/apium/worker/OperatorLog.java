package dev.apium.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.PythonRepr;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The lines an operator reads in a worker's log, worded as Celery's: {@code Task <name>[<id>]
 * received}, {@code ... succeeded in 0.003s: <result repr>} (INFO), {@code ... raised unexpected}
 * with the traceback (ERROR), retries and discards; plus the task id and name in the SLF4J {@link
 * MDC} ({@value #TASK_ID}, {@value #TASK_NAME}) of the pool thread while the task runs. Reprs are
 * cut at {@code resultrepr_maxsize} characters (Celery's default 1024); the args shown are the
 * message's {@code argsrepr}, so a client that hides secrets there hides them here too (they are
 * attached as key-value pairs {@code args}, {@code kwargs} to the received line, shown by {@code
 * --log-format json}). One instance per worker; called from the transport and pool threads.
 */
final class OperatorLog {
  static final String TASK_ID = "task_id";
  static final String TASK_NAME = "task_name";
  static final String REPR_MAXSIZE = "resultrepr_maxsize";
  // Loggers named for what they report, as Celery's celery.worker.strategy / celery.app.trace.
  private static final Logger received = LoggerFactory.getLogger("dev.apium.worker.received");
  private static final Logger trace = LoggerFactory.getLogger("dev.apium.worker.trace");
  private final int maxSize;

  OperatorLog(int maxSize) {
    if (maxSize < 4) {
      throw new IllegalArgumentException(
          REPR_MAXSIZE + "=" + maxSize + ": use at least 4 (Celery's default is 1024)");
    }
    this.maxSize = maxSize;
  }

  /** The worker's start line, naming what it consumes and runs. */
  static void ready(Worker w, String pool, int prefetch, dev.apium.Apium app) {
    LoggerFactory.getLogger(Worker.class)
        .info(
            "Worker {} ready: queues {}, concurrency {} ({} pool), prefetch {}, broker {}, backend"
                + " {}, tasks {}",
            w.nodename(),
            w.queues(),
            w.concurrency(),
            pool,
            prefetch,
            app.broker().describe(),
            app.backend().describe(),
            app.taskNames());
  }

  static void warmShutdown(String nodename, int running) {
    LoggerFactory.getLogger(Worker.class)
        .info(
            "Warm shutdown of {}: finishing {} running task(s), returning prefetched messages",
            nodename,
            running);
  }

  static void coldShutdown(String nodename, int running) {
    LoggerFactory.getLogger(Worker.class)
        .warn(
            "Cold shutdown of {}: interrupting {} running task(s); acks_late tasks return to the"
                + " broker",
            nodename,
            running);
  }

  /** Binds the task's id and name to this (pool) thread's MDC until {@link #unbind}. */
  static void bind(Request r) {
    MDC.put(TASK_ID, r.id());
    MDC.put(TASK_NAME, r.message.task());
  }

  static void unbind() {
    MDC.remove(TASK_ID);
    MDC.remove(TASK_NAME);
  }

  void received(Request r) {
    if (received.isInfoEnabled()) {
      received
          .atInfo()
          .addKeyValue(TASK_ID, r.id())
          .addKeyValue(TASK_NAME, r.message.task())
          .addKeyValue("args", cut(r.message.argsRepr()))
          .addKeyValue("kwargs", cut(r.message.kwargsRepr()))
          .log("Task {}[{}] received", r.message.task(), r.id());
    }
  }

  void succeeded(Request r, JsonNode result, long nanos) {
    if (trace.isInfoEnabled()) {
      trace.info(
          "Task {}[{}] succeeded in {}s: {}",
          r.message.task(),
          r.id(),
          seconds(nanos),
          cut(PythonRepr.of(result)));
    }
  }

  void failed(Request r, ExceptionInfo info, String traceback) {
    trace.error(
        "Task {}[{}] raised unexpected: {}{}",
        r.message.task(),
        r.id(),
        cut(info.repr()),
        traceback == null || traceback.isEmpty() ? "" : "\n" + traceback.stripTrailing());
  }

  void retried(Request r, String when) {
    trace.info("Task {}[{}] retry: {}", r.message.task(), r.id(), cut(when));
  }

  void discarded(Request r, String reason) {
    trace.info("Discarding {} task: {}[{}]", reason, r.message.task(), r.id());
  }

  /** Celery's runtime: seconds, as a plain decimal (no exponent), to the microsecond. */
  static String seconds(long nanos) {
    String s = String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s + "0" : s;
  }

  /** The repr cut to the limit, ending with {@code ...} when cut (Celery's saferepr). */
  String cut(String repr) {
    if (repr == null || repr.length() <= maxSize) {
      return repr;
    }
    return repr.substring(0, maxSize - 3) + "...";
  }
}
