package dev.apium;

import java.util.UUID;

/** Isolated apps on their own {@code memory://} namespace, one per test. */
final class TestApps {
  private TestApps() {}

  static Apium memory() {
    return memory("memory://" + UUID.randomUUID());
  }

  static Apium memory(String url) {
    return Apium.builder().withoutEnvironment().broker(url).backend(url).build();
  }
}
