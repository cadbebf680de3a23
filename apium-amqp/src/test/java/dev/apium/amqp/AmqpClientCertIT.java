package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import dev.apium.spi.BrokerException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code amqps://} against a private node with a TLS listener whose certificate is signed by a
 * throwaway CA that requires client certificates: {@code broker_ssl_certfile} / {@code
 * broker_ssl_keyfile} present one; without it the node refuses the connection with one line.
 */
class AmqpClientCertIT {
  @Test
  void clientCertificateIsPresentedAndRequired() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      Path dir = node.dir();
      AmqpTlsIT.makeCertificates(dir);
      makeClientCertificate(dir);
      int tlsPort = PrivateRabbitNode.freePort();
      node.configure(
          "listeners.ssl.default = " + tlsPort,
          "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
          "ssl_options.certfile = " + dir.resolve("server.pem"),
          "ssl_options.keyfile = " + dir.resolve("server.key"),
          "ssl_options.verify = verify_peer",
          "ssl_options.fail_if_no_peer_cert = true");
      node.start();
      String url = "amqps://guest:guest@localhost:" + tlsPort + "//";
      ApiumConfig withCert =
          ApiumConfig.of(
              Map.of(
                  AmqpTls.CA_CERTS, dir.resolve("ca.pem").toString(),
                  AmqpTls.CERTFILE, dir.resolve("client.pem").toString(),
                  AmqpTls.KEYFILE, dir.resolve("client.key").toString()));
      try (AmqpBroker broker = new AmqpBroker(url, withCert)) {
        broker.declareQueue("mtls");
        broker.publish(
            "mtls",
            dev.apium.protocol.WireMessage.json(Map.of("id", "x"), Map.of(), "[]".getBytes()));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> broker.size("mtls") == 1);
      }
      ApiumConfig caOnly =
          ApiumConfig.of(Map.of(AmqpTls.CA_CERTS, dir.resolve("ca.pem").toString()));
      assertThatThrownBy(() -> new AmqpBroker(url, caOnly).close())
          .isInstanceOf(BrokerException.class)
          .hasMessageContaining("localhost:" + tlsPort)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  /** A client certificate signed by the test CA. */
  private static void makeClientCertificate(Path dir) throws Exception {
    String d = dir.toString();
    PrivateRabbitNode.run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=apium-client",
        "-keyout",
        d + "/client.key",
        "-out",
        d + "/client.csr");
    PrivateRabbitNode.run(
        "openssl",
        "x509",
        "-req",
        "-in",
        d + "/client.csr",
        "-CA",
        d + "/ca.pem",
        "-CAkey",
        d + "/ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        d + "/client.pem");
  }
}
