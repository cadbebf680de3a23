package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.apium.worker.Worker;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A {@code @Task} class compiled without {@code -parameters} (compiled here, at test time, without
 * the flag): registering it warns naming the class, positional calls still work, and a kwargs call
 * fails with a hint to compile with {@code -parameters}.
 */
class ParameterNamesTest {
  @TempDir Path dir;
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  private Object compileWithoutParameters() throws Exception {
    Path source = dir.resolve("src/unnamed/Tasks.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        """
        package unnamed;
        public class Tasks {
          @dev.apium.Task("unnamed.add")
          public int add(int x, int y) { return x + y; }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            source.toString());
    assertThat(status).as("javac exit status").isZero();
    URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    return loader.loadClass("unnamed.Tasks").getDeclaredConstructor().newInstance();
  }

  @Test
  void registeringWarnsAndAKwargsCallFailsWithTheFix() throws Exception {
    Object tasks = compileWithoutParameters();
    Logger registryLog = (Logger) LoggerFactory.getLogger(TaskRegistry.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    registryLog.addAppender(captured);
    try {
      app.register(tasks);
    } finally {
      registryLog.detachAppender(captured);
    }
    assertThat(captured.list)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("unnamed.Tasks was compiled without -parameters")
                    .contains("[unnamed.add]"));

    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.signature("unnamed.add", 2, 3).delay(Integer.class).get(Duration.ofSeconds(5)))
          .isEqualTo(5);
      AsyncResult<Object> byName = app.send("unnamed.add", List.of(), Map.of("x", 2, "y", 3), null);
      assertThatThrownBy(() -> byName.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e ->
                  assertThat(e.remoteMessage())
                      .containsPattern("add\\(\\) got an unexpected keyword argument '[xy]'")
                      .contains("compiled without -parameters")
                      .contains("javac -parameters"));
    }
  }

  @Test
  void classesCompiledWithParametersRegisterWithoutAWarning() {
    Logger registryLog = (Logger) LoggerFactory.getLogger(TaskRegistry.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    registryLog.addAppender(captured);
    try {
      app.register(new MathTasks());
    } finally {
      registryLog.detachAppender(captured);
    }
    assertThat(captured.list).isEmpty();
  }
}
