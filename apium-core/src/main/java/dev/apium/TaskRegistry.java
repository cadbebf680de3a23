package dev.apium;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks an app can run, by name: lambdas registered directly and {@link Task}-annotated methods
 * found on objects. Registration usually happens at start-up; lookups come from worker threads, so
 * the map is concurrent.
 */
final class TaskRegistry {
  private static final Logger log = LoggerFactory.getLogger(TaskRegistry.class);
  private final Map<String, RegisteredTask> tasks = new ConcurrentHashMap<>();
  private final Duration defaultSoftTimeLimit;
  private final Duration defaultTimeLimit;

  /**
   * @param defaultSoftTimeLimit the app's {@code task_soft_time_limit}, for tasks without their
   *     own; null = none
   * @param defaultTimeLimit the app's {@code task_time_limit}, for tasks without their own; null =
   *     none
   */
  TaskRegistry(Duration defaultSoftTimeLimit, Duration defaultTimeLimit) {
    this.defaultSoftTimeLimit = positiveOrNull(defaultSoftTimeLimit);
    this.defaultTimeLimit = positiveOrNull(defaultTimeLimit);
  }

  private static Duration positiveOrNull(Duration value) {
    return value == null || value.isZero() || value.isNegative() ? null : value;
  }

  void add(String name, TaskFunction function, TaskOptions options) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a task needs a name, e.g. \"tasks.add\"");
    }
    if ((defaultSoftTimeLimit != null && options.softTimeLimit() == null)
        || (defaultTimeLimit != null && options.timeLimit() == null)) {
      options =
          options.withTimeLimits(
              options.softTimeLimit() != null ? options.softTimeLimit() : defaultSoftTimeLimit,
              options.timeLimit() != null ? options.timeLimit() : defaultTimeLimit);
    }
    RegisteredTask previous = tasks.putIfAbsent(name, new RegisteredTask(name, options, function));
    if (previous != null) {
      throw new IllegalArgumentException("task '" + name + "' is already registered");
    }
  }

  /** Registers every {@link Task} method of the object (static ones too); returns their names. */
  Set<String> addAnnotated(Object target) {
    return addAnnotated(target, target instanceof Class<?> c ? c : target.getClass());
  }

  /**
   * Registers the {@link Task} methods {@code type} declares, invoked on {@code target}: an
   * instance of {@code type} or of a subclass whose overrides carry no annotations (a Spring CGLIB
   * proxy), so calls go through the subclass.
   */
  Set<String> addAnnotated(Object target, Class<?> type) {
    if (!(target instanceof Class<?>) && !type.isInstance(target)) {
      throw new IllegalArgumentException(
          target.getClass().getName()
              + " is not a "
              + type.getName()
              + ": cannot register its tasks");
    }
    Set<String> names = new TreeSet<>();
    Set<String> unnamed = new TreeSet<>();
    for (Method method : type.getMethods()) {
      Task annotation = method.getAnnotation(Task.class);
      if (annotation == null) {
        continue;
      }
      boolean isStatic = Modifier.isStatic(method.getModifiers());
      if (!isStatic && target instanceof Class<?>) {
        throw new IllegalArgumentException(
            "@Task method "
                + method
                + " is not static: register an instance of "
                + type.getSimpleName()
                + " instead of the class");
      }
      Object receiver = isStatic ? null : target;
      ArgumentBinder binder = new ArgumentBinder(annotation.value(), method);
      if (binder.namesMissing()) {
        unnamed.add(annotation.value());
      }
      TaskFunction function =
          call -> {
            Object[] values = binder.bind(call.args(), call.kwargs(), call.context());
            try {
              return method.invoke(receiver, values);
            } catch (InvocationTargetException e) {
              Throwable cause = e.getCause();
              if (cause instanceof Exception ex) {
                throw ex;
              }
              throw (Error) cause;
            }
          };
      add(annotation.value(), function, TaskOptions.from(annotation));
      names.add(annotation.value());
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          type.getName() + " has no public @Task methods to register");
    }
    if (!unnamed.isEmpty()) {
      log.warn(
          "{} was compiled without -parameters: the parameters of its tasks {} are named arg0,"
              + " arg1..., so keyword arguments cannot bind to them; compile with javac -parameters"
              + " (maven-compiler-plugin <parameters>true</parameters>)",
          type.getName(),
          unnamed);
    }
    return names;
  }

  RegisteredTask get(String name) {
    return tasks.get(name);
  }

  Set<String> names() {
    return new TreeSet<>(tasks.keySet());
  }
}
