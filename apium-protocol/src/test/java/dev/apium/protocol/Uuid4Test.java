package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Uuid4Test {
  private static final String CANONICAL =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @Test
  void systemUuidsAreVersionFourAndDistinctAcrossBlocks() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10 * Uuid4.BLOCK / 16; i++) {
      String id = Uuid4.next();
      assertThat(id).matches(CANONICAL);
      assertThat(seen.add(id)).as("repeated %s", id).isTrue();
    }
  }

  @Test
  void eachUuidTakesTheNextSixteenBytesOfTheBlockWithVersionAndVariantSet() {
    Random seeded = new Random(20261206L);
    List<byte[]> blocks = new ArrayList<>();
    Uuid4 uuids =
        new Uuid4(
            block -> {
              seeded.nextBytes(block);
              blocks.add(block.clone());
            });
    for (int i = 0; i < Uuid4.BLOCK / 16 + 3; i++) {
      UUID id = uuids.uuid();
      byte[] block = blocks.get(blocks.size() - 1);
      int at = (i % (Uuid4.BLOCK / 16)) * 16;
      long high = java.nio.ByteBuffer.wrap(block, at, 8).getLong();
      long low = java.nio.ByteBuffer.wrap(block, at + 8, 8).getLong();
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(id.getMostSignificantBits()).isEqualTo((high & ~0xF000L) | 0x4000L);
      assertThat(id.getLeastSignificantBits())
          .isEqualTo((low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }
    assertThat(blocks).hasSize(2);
  }

  @Test
  void threadsNeverShareAnId() throws InterruptedException {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    int threads = 4;
    int each = 5_000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  seen.add(Uuid4.next());
                }
                done.countDown();
              })
          .start();
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).hasSize(threads * each);
  }
}
