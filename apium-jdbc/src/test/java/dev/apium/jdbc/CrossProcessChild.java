package dev.apium.jdbc;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.Broker;
import dev.apium.spi.ResultBackend;
import java.time.Instant;
import java.util.Map;

/**
 * The other process of {@link SqliteCrossProcessTest}: publishes {@code count} messages, one
 * fan-out event and one result to the SQLite file named by its arguments, then exits.
 */
final class CrossProcessChild {
  private CrossProcessChild() {}

  public static void main(String[] args) {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    ApiumConfig config = ApiumConfig.of(Map.of());
    try (Broker broker = new JdbcTransportFactory().createBroker(url, config);
        ResultBackend backend = new JdbcTransportFactory().createBackend(url, config)) {
      for (int i = 0; i < count; i++) {
        broker.publish("xproc", Messages.task("child-" + i));
      }
      broker.publishFanout("celeryev", "worker.online", Messages.task("child-event"));
      backend.store(ResultMeta.success("child-result", TextNode.valueOf("hi"), Instant.now()));
    }
  }
}
