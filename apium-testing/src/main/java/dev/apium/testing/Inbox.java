package dev.apium.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Collects what a transport thread hands over (deliveries, fan-out messages) so a test thread can
 * take them with a deadline. The handler side never blocks. Used by the contract suites only.
 */
final class Inbox<T> implements Consumer<T> {
  private final LinkedBlockingQueue<T> items = new LinkedBlockingQueue<>();
  private final AtomicInteger received = new AtomicInteger();
  private final Duration timeout;

  Inbox(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void accept(T item) {
    received.incrementAndGet();
    items.add(item);
  }

  /** The next item, failing the test when none arrives within the timeout. */
  T take() {
    try {
      T item = items.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (item == null) {
        fail("nothing arrived within " + timeout);
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  List<T> take(int count) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(take());
    }
    return out;
  }

  /** How many items were handed over so far (taken or not). */
  int received() {
    return received.get();
  }

  /** Asserts that the number handed over stays {@code expected} for the whole window. */
  void assertStays(int expected, Duration window) {
    await().during(window).atMost(window.plus(timeout)).until(() -> received.get() == expected);
  }
}
