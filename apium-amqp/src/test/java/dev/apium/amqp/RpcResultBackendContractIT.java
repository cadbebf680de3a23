package dev.apium.amqp;

import dev.apium.ApiumConfig;
import dev.apium.spi.ResultBackend;
import dev.apium.testing.ResultBackendContract;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The result backend contract against {@code rpc://}. Celery's RPC backend keeps results in the
 * sending process only and has no chords, so the contract tests that read a state through a second
 * backend instance, or join chords, do not apply: {@link NotForRpc} skips them by name, with the
 * reason. The worker-to-client path they would cover is tested in {@link RpcResultBackendIT}.
 */
@ExtendWith(RpcResultBackendContractIT.NotForRpc.class)
class RpcResultBackendContractIT extends ResultBackendContract {
  private static RabbitVhost vhost;

  @BeforeAll
  static void createVhost() {
    vhost = new RabbitVhost("apium-rpc-contract-it");
  }

  @AfterAll
  static void deleteVhost() {
    if (vhost != null) {
      vhost.close();
    }
  }

  @Override
  protected ResultBackend newBackend() {
    return new RpcResultBackend(
        vhost.url(), ApiumConfig.of(Map.of(ApiumConfig.BROKER_URL, vhost.url())));
  }

  /** Skips the contract tests that need a shared store or chords. */
  static final class NotForRpc implements ExecutionCondition {
    private static final Set<String> SHARED_STORE =
        Set.of(
            "storesAndReadsEveryField",
            "awaitReadyCompletesOnTheReadyStateNotBefore",
            "awaitReadyCompletesAtOnceWhenAlreadyReady",
            "groupsAreSavedRestoredAndForgotten",
            "revokedIdsPersistAcrossClientsAndExpire");
    private static final Set<String> CHORDS =
        Set.of(
            "chordJoinCompletesExactlyOnceInGroupIndexOrder",
            "chordCountsADuplicatePartOnce",
            "chordAddTasksRaisesTheTarget");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String test = context.getTestMethod().map(m -> m.getName()).orElse("");
      if (SHARED_STORE.contains(test)) {
        return ConditionEvaluationResult.disabled(
            "rpc:// results live in the sending process only (as in Celery)");
      }
      if (CHORDS.contains(test)) {
        return ConditionEvaluationResult.disabled("rpc:// does not support chords (as in Celery)");
      }
      return ConditionEvaluationResult.enabled("applies to rpc://");
    }
  }
}
