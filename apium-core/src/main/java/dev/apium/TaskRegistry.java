package dev.apium;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks an app can run, by name: lambdas registered directly and {@link Task}-annotated methods
 * found on objects. Registration usually happens at start-up; lookups come from worker threads, so
 * the map is concurrent.
 */
final class TaskRegistry {
  private final Map<String, RegisteredTask> tasks = new ConcurrentHashMap<>();

  void add(String name, TaskFunction function, TaskOptions options) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a task needs a name, e.g. \"tasks.add\"");
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
    return names;
  }

  RegisteredTask get(String name) {
    return tasks.get(name);
  }

  Set<String> names() {
    return new TreeSet<>(tasks.keySet());
  }
}
