package dev.apium.protocol;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Random (version 4) UUIDs for task ids and delivery tags, made as Celery's {@code uuid4()} makes
 * them: 122 bits from the operating system's random source ({@code os.urandom}). {@link
 * UUID#randomUUID()} runs each UUID's bytes through {@code SecureRandom}'s SHA-1 mixing, which
 * costs a new JVM (no intrinsic until the JIT compiles it) a large share of a task's send; this
 * reads {@code /dev/urandom} 4 KiB at a time, 256 UUIDs per read, and falls back to {@link
 * SecureRandom} where there is no such file. Thread-safe: any thread takes its 16 bytes under a
 * short lock.
 */
public final class Uuid4 {
  static final int BLOCK = 4096;

  private static final Uuid4 SHARED = new Uuid4(RandomBlocks.system());

  private final ReentrantLock lock = new ReentrantLock();
  private final RandomBlocks source;
  private final byte[] block = new byte[BLOCK];
  private int next = BLOCK;

  /** Fills a block with random bytes. */
  interface RandomBlocks {
    void fill(byte[] block);

    /** {@code /dev/urandom} where it can be read, else the JDK's {@link SecureRandom}. */
    static RandomBlocks system() {
      SecureRandom fallback = new SecureRandom();
      InputStream urandom;
      try {
        urandom = new FileInputStream("/dev/urandom");
      } catch (IOException | SecurityException e) {
        return fallback::nextBytes;
      }
      return block -> {
        try {
          if (urandom.readNBytes(block, 0, block.length) == block.length) {
            return;
          }
        } catch (IOException e) {
          // Fall through: a block from SecureRandom is as good.
        }
        fallback.nextBytes(block);
      };
    }
  }

  Uuid4(RandomBlocks source) {
    this.source = source;
  }

  /** A new random UUID in its canonical text form, as Celery's {@code str(uuid4())}. */
  public static String next() {
    return SHARED.uuid().toString();
  }

  UUID uuid() {
    long high;
    long low;
    lock.lock();
    try {
      if (next == BLOCK) {
        source.fill(block);
        next = 0;
      }
      high = longAt(block, next);
      low = longAt(block, next + 8);
      next += 16;
    } finally {
      lock.unlock();
    }
    high = (high & ~0xF000L) | 0x4000L;
    low = (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }

  private static long longAt(byte[] bytes, int at) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[at + i] & 0xFF);
    }
    return value;
  }
}
