package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.AsyncResult;
import dev.apium.spi.BrokerException;
import dev.apium.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code amqps://} against a private node with a TLS listener whose certificate is signed by a
 * throwaway CA: a worker and a client that trust the CA through {@code broker_ssl_ca_certs} run
 * tasks end to end (results over rpc://, hence also over TLS); a client that does not trust it gets
 * a one-line error naming TLS and the fix.
 */
class AmqpTlsIT {
  @Test
  void tasksRunOverTlsAndAnUntrustedServerIsReportedClearly() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      Path dir = node.dir();
      makeCertificates(dir);
      int tlsPort = PrivateRabbitNode.freePort();
      node.configure(
          "listeners.ssl.default = " + tlsPort,
          "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
          "ssl_options.certfile = " + dir.resolve("server.pem"),
          "ssl_options.keyfile = " + dir.resolve("server.key"),
          "ssl_options.verify = verify_none",
          "ssl_options.fail_if_no_peer_cert = false");
      node.start();
      String url = "amqps://guest:guest@localhost:" + tlsPort + "//";
      Path ca =
          Files.copy(
              dir.resolve("ca.pem"),
              Files.createTempFile("apium-ca-", ".pem"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (Apium worker = app(url, ca);
          Apium client = app(url, ca)) {
        worker.register("tls.add", Integer.class, Integer.class, (a, b) -> a + b);
        Worker running = worker.worker().concurrency(2).start();
        try {
          List<AsyncResult<Object>> results = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            results.add(client.send("tls.add", i, 100));
          }
          for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get(Duration.ofSeconds(30))).isEqualTo(i + 100);
          }
        } finally {
          running.stop(Duration.ofSeconds(10));
        }
      } finally {
        Files.deleteIfExists(ca);
      }

      assertThatThrownBy(() -> new AmqpBroker(url, ApiumConfig.of(Map.of())).close())
          .isInstanceOf(BrokerException.class)
          .hasMessageContaining("TLS")
          .hasMessageContaining("localhost:" + tlsPort)
          .hasMessageContaining("broker_ssl_ca_certs")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  private static Apium app(String url, Path ca) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(url)
        .backend("rpc://")
        .config(AmqpTls.CA_CERTS, ca.toString())
        .build();
  }

  /** A CA and a server certificate for localhost/127.0.0.1 signed by it, made with openssl. */
  static void makeCertificates(Path dir) throws Exception {
    Files.writeString(
        dir.resolve("server.ext"),
        "subjectAltName = DNS:localhost, IP:127.0.0.1\n" + "extendedKeyUsage = serverAuth\n");
    String d = dir.toString();
    PrivateRabbitNode.run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=apium test CA",
        "-keyout",
        d + "/ca.key",
        "-out",
        d + "/ca.pem");
    PrivateRabbitNode.run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        d + "/server.key",
        "-out",
        d + "/server.csr");
    PrivateRabbitNode.run(
        "openssl",
        "x509",
        "-req",
        "-in",
        d + "/server.csr",
        "-CA",
        d + "/ca.pem",
        "-CAkey",
        d + "/ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        d + "/server.ext",
        "-out",
        d + "/server.pem");
  }
}
