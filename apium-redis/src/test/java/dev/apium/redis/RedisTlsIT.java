package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.ApiumConfig;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a PRIVATE TLS-only redis-server (self-signed certificate made with
 * openssl in a temp dir, free port), password protected; the child process is killed after the
 * test.
 */
class RedisTlsIT {
  private Path dir;
  private int port;
  private Process server;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("apium-redis-tls");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server =
        TlsRedisServer.startTls(
            dir, port, "cert.pem", "key.pem", "cert.pem", "no", "--requirepass", "s3cret");
  }

  private void run(String... command) throws Exception {
    TlsRedisServer.run(dir, command);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void publishesAndConsumesOverTls() throws Exception {
    String url = "rediss://:s3cret@127.0.0.1:" + port + "/3?ssl_cert_reqs=none";
    try (RedisBroker broker = new RedisBroker(url, ApiumConfig.of(Map.of()))) {
      assertThat(broker.describe()).contains(":***@").doesNotContain("s3cret");
      broker.publish("tls", RedisTestSupport.wire("over-tls", 0));
      LinkedBlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (Subscription s = broker.consume(List.of("tls"), 1, got::add)) {
        Delivery d = got.poll(10, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        assertThat(d.message().header("id")).isEqualTo("over-tls");
        d.ack();
      }
    }
  }
}
