package dev.apium.bench.jmh;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.RedisEnvelope;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the protocol's hot code, one {@code add(1, 2)} task as the worker and client
 * see it: v2 message encode and decode, kombu envelope write and parse, result meta write. Run by
 * {@code bench/jmh} (JMH forks its own JVMs; state is per benchmark thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtocolBench {
  private final Instant now = Instant.parse("2026-11-24T12:00:00Z");
  private TaskMessage message;
  private WireMessage wire;
  private String envelope;
  private ResultMeta meta;

  @Setup
  public void setUp() {
    String id = UUID.randomUUID().toString();
    message =
        TaskMessage.builder("bench.add", id)
            .rootId(id)
            .origin("gen1234@bench")
            .args(CeleryJson.array().add(1).add(2))
            .kwargs(CeleryJson.object())
            .replyTo(UUID.randomUUID().toString())
            .build();
    wire = TaskMessageCodec.encode(message, now);
    envelope = RedisEnvelope.encode(wire);
    meta = ResultMeta.success(id, IntNode.valueOf(3), now);
  }

  @Benchmark
  public WireMessage messageEncode() {
    return TaskMessageCodec.encode(message, now);
  }

  @Benchmark
  public TaskMessage messageDecode() {
    return TaskMessageCodec.decode(wire);
  }

  @Benchmark
  public String envelopeWrite() {
    return RedisEnvelope.encode(wire);
  }

  @Benchmark
  public WireMessage envelopeParse() {
    return RedisEnvelope.decode(envelope);
  }

  @Benchmark
  public byte[] resultMetaWrite() {
    return meta.toBytes();
  }

  @Benchmark
  public TaskMessage consumePath() {
    return TaskMessageCodec.decode(RedisEnvelope.decode(envelope));
  }
}
