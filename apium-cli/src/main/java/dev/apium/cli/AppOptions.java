package dev.apium.cli;

import dev.apium.Apium;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The options every subcommand shares ({@code -A}, {@code --broker}, {@code --backend}) and how
 * they make an {@link Apium}: the {@code -A} class either provides a ready app (a static {@code
 * app} field or {@code app()} method) or is instantiated and its {@code @Task} methods registered
 * on an app built from the flags (if it is a {@code Consumer<Apium>} it is called with that app
 * instead). Used once per command on the main thread.
 */
final class AppOptions {
  @Option(
      names = {"-A", "--app"},
      description = "Class that builds the app or holds @Task methods, e.g. com.example.Tasks.")
  String appClass;

  @Option(
      names = {"-b", "--broker"},
      description = "Broker URL (redis://, amqp://, sqlite:, postgresql://, memory://).")
  String broker;

  @Option(names = "--backend", description = "Result backend URL (redis://, rpc://, sqlite:, ...).")
  String backend;

  private final java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

  /** A setting for the app this builds (e.g. from a command flag); not applied to a -A app. */
  AppOptions setting(String key, String value) {
    settings.put(key, value);
    return this;
  }

  Apium build() {
    if (appClass != null) {
      Apium provided = provided(load(appClass));
      if (provided != null) {
        return provided;
      }
    }
    Apium.Builder builder = Apium.builder();
    if (broker != null) {
      builder.broker(broker);
    }
    if (backend != null) {
      builder.backend(backend);
    }
    settings.forEach(builder::config);
    Apium app = builder.build();
    if (appClass != null) {
      registerOn(app, load(appClass));
    }
    return app;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "-A "
              + name
              + ": class not found; put its jar or classes directory on CLASSPATH (or --classpath in"
              + " the launcher)",
          e);
    }
  }

  private Apium provided(Class<?> type) {
    try {
      for (Field field : type.getFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == Apium.class) {
          return (Apium) field.get(null);
        }
      }
      for (Method method : type.getMethods()) {
        if (Modifier.isStatic(method.getModifiers())
            && method.getReturnType() == Apium.class
            && method.getParameterCount() == 0) {
          return (Apium) method.invoke(null);
        }
      }
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("-A " + type.getName() + ": cannot get its app: " + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void registerOn(Apium app, Class<?> type) {
    Object instance;
    try {
      instance = type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "-A " + type.getName() + " needs a public no-argument constructor: " + e, e);
    }
    if (instance instanceof Consumer<?> configurer) {
      ((Consumer<Apium>) configurer).accept(app);
    } else {
      app.register(instance);
    }
  }
}
