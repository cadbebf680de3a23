package dev.apium.worker;

import dev.apium.TaskError;
import dev.apium.protocol.ExceptionInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;

/**
 * Turns a Java throwable into Celery's exception dict and traceback text: {@link TaskError} keeps
 * its chosen Python type; any other exception travels as its class's simple name and package.
 * Stateless; called on pool threads.
 */
final class Failures {
  private Failures() {}

  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof InvocationTargetException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  static ExceptionInfo info(Throwable error) {
    try {
      return describe(error);
    } catch (RuntimeException | StackOverflowError broken) {
      Throwable e = unwrap(error);
      return ExceptionInfo.of(
          e.getClass().getPackageName(),
          e.getClass().getSimpleName().isEmpty()
              ? e.getClass().getName()
              : e.getClass().getSimpleName(),
          "(the exception's message could not be read: " + broken.getClass().getSimpleName() + ")");
    }
  }

  private static ExceptionInfo describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof TaskError t) {
      return new ExceptionInfo(t.type(), t.args(), t.module());
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    Package pkg = e.getClass().getPackage();
    String type =
        e.getClass().getSimpleName().isEmpty()
            ? e.getClass().getName()
            : e.getClass().getSimpleName();
    return ExceptionInfo.of(pkg == null ? "java" : pkg.getName(), type, message);
  }

  static String traceback(Throwable error) {
    try {
      StringWriter out = new StringWriter();
      unwrap(error).printStackTrace(new PrintWriter(out));
      return out.toString();
    } catch (RuntimeException | StackOverflowError broken) {
      StringBuilder out = new StringBuilder(unwrap(error).getClass().getName());
      for (StackTraceElement frame : unwrap(error).getStackTrace()) {
        out.append("\n\tat ").append(frame);
      }
      return out.toString();
    }
  }
}
