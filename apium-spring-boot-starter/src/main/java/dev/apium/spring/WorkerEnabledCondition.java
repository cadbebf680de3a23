package dev.apium.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the worker should run: {@code apium.worker.enabled=true}, or, when that property is
 * not set, {@code apium.test.mode=memory}. Evaluated once while the context's beans are defined.
 */
class WorkerEnabledCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    Boolean enabled = env.getProperty("apium.worker.enabled", Boolean.class);
    if (enabled != null) {
      return enabled
          ? ConditionOutcome.match("apium.worker.enabled is true")
          : ConditionOutcome.noMatch("apium.worker.enabled is false");
    }
    String mode = env.getProperty("apium.test.mode", "none");
    return "memory".equalsIgnoreCase(mode.trim())
        ? ConditionOutcome.match("apium.test.mode is memory")
        : ConditionOutcome.noMatch(
            "apium.worker.enabled is not set (set it to true to run a worker)");
  }
}
