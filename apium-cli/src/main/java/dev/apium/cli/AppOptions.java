package dev.apium.cli;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every subcommand shares ({@code -A}, {@code --broker}, {@code --backend}, {@code
 * --config}), accepted before the subcommand too, as Celery's {@code celery -A proj worker} (given
 * after it, they win), and how they make an {@link Apium}: the {@code -A} class either provides a
 * ready app (a static {@code app} field or {@code app()} method) or is instantiated and its
 * {@code @Task} methods registered on an app built from the flags (if it is a {@code
 * Consumer<Apium>} it is called with that app instead). Used once per command on the main thread.
 */
final class AppOptions {
  /** Listeners the command adds to the app it builds (not to an app {@code -A} provides). */
  final java.util.List<dev.apium.listen.TaskListener> listeners = new java.util.ArrayList<>();

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

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file of settings under Celery's names (broker_url, result_backend,"
              + " task_default_queue, task_time_limit...); flags win over it, it wins over APIUM_*"
              + " variables and ./apium.properties.")
  Path config;

  /** The command this mixin belongs to; its parent holds the options given before it. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /**
   * Settings a subcommand's own flags add (e.g. {@code --time-limit}); they win over all others.
   */
  final Map<String, String> settings = new LinkedHashMap<>();

  /** A setting for the app this builds (e.g. from a command flag); not applied to a -A app. */
  AppOptions setting(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** The options given before the subcommand ({@code apium -A x worker}), or null. */
  private AppOptions before() {
    CommandSpec parent = mixee == null ? null : mixee.parent();
    return parent != null && parent.userObject() instanceof ApiumCommand top ? top.app : null;
  }

  String appClass() {
    AppOptions b = before();
    return appClass != null ? appClass : b == null ? null : b.appClass;
  }

  String broker() {
    AppOptions b = before();
    return broker != null ? broker : b == null ? null : b.broker;
  }

  String backend() {
    AppOptions b = before();
    return backend != null ? backend : b == null ? null : b.backend;
  }

  Path config() {
    AppOptions b = before();
    return config != null ? config : b == null ? null : b.config;
  }

  /**
   * The app, its broker connected (retrying at start-up as configured), after printing one line to
   * stderr when it falls back to the embedded broker.
   */
  Apium build() {
    Apium app = buildApp();
    String notice = app.config().embeddedBrokerNotice();
    if (notice != null) {
      System.err.println("apium: " + notice);
    }
    return app.connect();
  }

  private Apium buildApp() {
    String appClass = appClass();
    if (appClass != null) {
      Apium provided = provided(load(appClass));
      if (provided != null) {
        if (!settings.isEmpty()) {
          throw new IllegalArgumentException(
              "-A "
                  + appClass
                  + " provides its own app, so "
                  + settings.keySet()
                  + " cannot be set from the command line: set them where it builds the app");
        }
        return provided;
      }
    }
    Apium.Builder builder = Apium.builder();
    if (config() != null) {
      readConfig(config()).forEach(builder::config);
    }
    if (broker() != null) {
      builder.broker(broker());
    }
    if (backend() != null) {
      builder.backend(backend());
    }
    settings.forEach(builder::config);
    listeners.forEach(builder::listener);
    Apium app = builder.build();
    if (appClass != null) {
      registerOn(app, load(appClass));
    }
    return app;
  }

  static Map<String, String> readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "--config " + file + ": no such file; give a .properties file of settings");
    }
    return ApiumConfig.readFile(file);
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
