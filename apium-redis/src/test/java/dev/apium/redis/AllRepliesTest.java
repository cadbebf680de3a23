package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AllReplies}: done with the last reply, failed if any failed, whatever the order. */
class AllRepliesTest {
  @Test
  void completesWithTheLastReplyWhenEveryReplyCameInOrder() {
    List<CompletableFuture<Long>> replies =
        List.of(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>());
    CompletableFuture<Void> all = AllReplies.of(replies);

    replies.get(0).complete(1L);
    replies.get(1).complete(1L);
    assertThat(all).isNotDone();
    replies.get(2).complete(0L);

    assertThat(all).isCompleted();
  }

  @Test
  void failsWhenAnEarlierReplyFailed() {
    List<CompletableFuture<Long>> replies =
        List.of(new CompletableFuture<>(), new CompletableFuture<>());
    CompletableFuture<Void> all = AllReplies.of(replies);

    replies.get(0).completeExceptionally(new RedisCommandExecutionException("NOPERM"));
    replies.get(1).complete(1L);

    assertThatThrownBy(() -> all.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("NOPERM");
  }

  @Test
  void waitsForAReplyThatCompletesAfterTheLast() throws Exception {
    List<CompletableFuture<Long>> replies =
        List.of(new CompletableFuture<>(), new CompletableFuture<>());
    CompletableFuture<Void> all = AllReplies.of(replies);

    replies.get(1).completeExceptionally(new RedisCommandExecutionException("connection lost"));
    // the last failed first, as a lost connection may fail them: the first is still waited for
    assertThat(all).isNotDone();
    replies.get(0).complete(1L);

    assertThatThrownBy(() -> all.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("connection lost");
  }

  @Test
  void anEmptyRoundIsDoneAtOnce() {
    assertThat(AllReplies.of(List.of())).isCompleted();
  }
}
