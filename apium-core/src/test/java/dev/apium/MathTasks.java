package dev.apium;

import java.util.List;

/** Annotated tasks used by the core tests. */
public class MathTasks {
  /** A record argument, bound from a JSON object. */
  public record Point(int x, int y) {}

  @Task("math.add")
  public int add(int x, int y) {
    return x + y;
  }

  @Task("math.norm1")
  public int norm1(Point p) {
    return Math.abs(p.x()) + Math.abs(p.y());
  }

  @Task("math.sum")
  public long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }

  @Task("math.scale")
  public double scale(double value, double factor, TaskContext context) {
    return value * factor + context.retries();
  }

  @Task("math.divide")
  public int divide(int a, int b) {
    return a / b;
  }
}
