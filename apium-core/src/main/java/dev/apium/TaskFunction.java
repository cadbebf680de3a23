package dev.apium;

/**
 * A task written as a lambda: {@code app.register("tasks.add", call -> call.arg(0, int.class) +
 * call.arg(1, int.class))}. Runs on a worker pool thread; may throw any exception, which becomes
 * the task's FAILURE (or a retry, see {@link TaskContext#retry}).
 */
@FunctionalInterface
public interface TaskFunction {
  Object apply(TaskCall call) throws Exception;
}
