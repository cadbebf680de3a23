package dev.apium;

/**
 * A task known to this app: its name, settings and how to invoke it. Immutable; looked up by worker
 * threads.
 *
 * @param name the shared task name
 * @param options execution settings
 * @param function the code, for lambdas and bound methods alike
 */
public record RegisteredTask(String name, TaskOptions options, TaskFunction function) {}
