package dev.apium.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One future for the replies to commands written together on one connection. Redis answers a
 * connection's commands in order and Lettuce completes them in that order, so once the last one is
 * complete the others normally are too: then this looks at each once, instead of building {@link
 * CompletableFuture#allOf}'s tree of relays (31 objects for a round of 32, and a large method for
 * the JIT). Any that is not yet complete (a connection lost mid-round fails them in its own order)
 * is waited for as {@code allOf} would. Stateless; the returned future completes on the thread that
 * completes the last reply (a Lettuce event loop).
 */
final class AllReplies {
  private AllReplies() {}

  static CompletableFuture<Void> of(List<? extends CompletableFuture<?>> replies) {
    if (replies.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return replies
        .get(replies.size() - 1)
        .handle((value, error) -> null)
        .thenCompose(done -> settled(replies));
  }

  private static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> replies) {
    for (CompletableFuture<?> reply : replies) {
      if (!reply.isDone() || reply.isCompletedExceptionally()) {
        return CompletableFuture.allOf(replies.toArray(CompletableFuture<?>[]::new));
      }
    }
    return CompletableFuture.completedFuture(null);
  }
}
