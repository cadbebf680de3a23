package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ack batcher against a fake writer: batching, retry, close flushes, abandon drops. */
class AckBatcherTest {
  private final List<List<String>> written = new CopyOnWriteArrayList<>();

  @Test
  void acksQueuedWhileAWriteIsInFlightGoOutTogether() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    AckBatcher batcher =
        new AckBatcher(
            batch -> {
              written.add(List.copyOf(batch));
              if (written.size() == 1) {
                firstWriteStarted.countDown();
                block(releaseFirstWrite);
              }
            },
            "test");
    try {
      batcher.ack("a");
      assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
      batcher.ack("b");
      batcher.ack("c");
      batcher.ack("d");
      releaseFirstWrite.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
      assertThat(written).containsExactly(List.of("a"), List.of("b", "c", "d"));
    } finally {
      batcher.close();
    }
  }

  @Test
  void closeWritesWhatIsQueuedBeforeItReturns() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    AckBatcher batcher =
        new AckBatcher(
            batch -> {
              written.add(List.copyOf(batch));
              if (written.size() == 1) {
                firstWriteStarted.countDown();
                block(releaseFirstWrite);
              }
            },
            "test");
    batcher.ack("first");
    assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100; i++) {
      batcher.ack("t" + i);
    }
    CompletableFuture<Void> closing = CompletableFuture.runAsync(batcher::close);
    // close waits for the queued acks, which wait for the write in flight
    assertThat(closing).isNotDone();
    releaseFirstWrite.countDown();
    closing.get(10, TimeUnit.SECONDS);
    List<String> all = new ArrayList<>();
    written.forEach(all::addAll);
    assertThat(all).hasSize(101).startsWith("first", "t0").endsWith("t99");

    batcher.ack("late");
    assertThat(written.get(written.size() - 1))
        .as("written directly after close")
        .isEqualTo(List.of("late"));
  }

  @Test
  void aFailedWriteIsRetriedWithTheSameTags() throws Exception {
    AtomicInteger failures = new AtomicInteger(2);
    AckBatcher batcher =
        new AckBatcher(
            batch -> {
              if (failures.getAndDecrement() > 0) {
                throw new RedisException("connection lost");
              }
              written.add(List.copyOf(batch));
            },
            "test");
    try {
      batcher.ack("x");
      batcher.ack("y");
      await().atMost(Duration.ofSeconds(5)).until(() -> !written.isEmpty());
      List<String> all = new ArrayList<>();
      written.forEach(all::addAll);
      assertThat(all).containsExactlyInAnyOrder("x", "y");
    } finally {
      batcher.close();
    }
  }

  @Test
  void abandonDropsWhatIsQueued() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    AckBatcher batcher =
        new AckBatcher(
            batch -> {
              written.add(List.copyOf(batch));
              firstWriteStarted.countDown();
              block(releaseFirstWrite);
            },
            "test");
    batcher.ack("in-flight");
    assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
    batcher.ack("dropped");
    batcher.abandon();
    releaseFirstWrite.countDown();
    batcher.close();
    assertThat(written).containsExactly(List.of("in-flight"));
  }

  private static void block(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
