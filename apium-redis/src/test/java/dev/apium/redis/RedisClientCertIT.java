package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis over TLS with a throwaway CA (openssl, temp dir) and a private redis-server on a free port
 * that requires client certificates: Celery's {@code ssl_ca_certs}, {@code ssl_certfile} and {@code
 * ssl_keyfile} URL parameters verify the server against that CA and present a client certificate;
 * without the client certificate the connection is refused with one line.
 */
class RedisClientCertIT {
  private Path dir;
  private int port;
  private Process server;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("apium-redis-mtls");
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
        "/CN=Apium Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    for (String name : new String[] {"server", "client"}) {
      run(
          "openssl",
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-subj",
          "/CN=127.0.0.1",
          "-keyout",
          name + ".key",
          "-out",
          name + ".csr");
      run(
          "openssl",
          "x509",
          "-req",
          "-in",
          name + ".csr",
          "-CA",
          "ca.pem",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-days",
          "1",
          "-extfile",
          "san.ext",
          "-out",
          name + ".pem");
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TlsRedisServer.startTls(dir, port, "server.pem", "server.key", "ca.pem", "yes");
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

  private String url(String query) {
    return "rediss://127.0.0.1:" + port + "/0?" + query;
  }

  @Test
  void customCaAndClientCertificateConnect() {
    String url =
        url(
            "ssl_ca_certs="
                + dir.resolve("ca.pem")
                + "&ssl_certfile="
                + dir.resolve("client.pem")
                + "&ssl_keyfile="
                + dir.resolve("client.key")
                + "&ssl_cert_reqs=required");
    try (RedisBroker broker = new RedisBroker(url, ApiumConfig.of(Map.of()))) {
      broker.publish("mtls", RedisTestSupport.wire("over-mtls", 0));
      assertThat(broker.size("mtls")).isEqualTo(1);
    }
  }

  @Test
  void withoutTheClientCertificateTheServerRefuses() {
    String url = url("ssl_ca_certs=" + dir.resolve("ca.pem"));
    assertThatThrownBy(() -> new RedisBroker(url, ApiumConfig.of(Map.of())).close())
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void theJvmTrustStoreDoesNotKnowTheThrowawayCa() {
    String url =
        url(
            "ssl_certfile="
                + dir.resolve("client.pem")
                + "&ssl_keyfile="
                + dir.resolve("client.key"));
    assertThatThrownBy(() -> new RedisBroker(url, ApiumConfig.of(Map.of())).close())
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void celerysSettingsDictionariesGiveTheSameTlsToAPlainRedisUrl() {
    String plain = "redis://127.0.0.1:" + port + "/0";
    Map<String, String> settings =
        Map.of(
            "broker_use_ssl.ssl_ca_certs", dir.resolve("ca.pem").toString(),
            "broker_use_ssl.ssl_certfile", dir.resolve("client.pem").toString(),
            "broker_use_ssl.ssl_keyfile", dir.resolve("client.key").toString(),
            "broker_use_ssl.ssl_cert_reqs", "CERT_REQUIRED",
            "redis_backend_use_ssl.ssl_ca_certs", dir.resolve("ca.pem").toString(),
            "redis_backend_use_ssl.ssl_certfile", dir.resolve("client.pem").toString(),
            "redis_backend_use_ssl.ssl_keyfile", dir.resolve("client.key").toString());
    try (RedisBroker broker = new RedisBroker(plain, ApiumConfig.of(settings));
        RedisResultBackend backend = new RedisResultBackend(plain, ApiumConfig.of(settings))) {
      broker.publish("mtls-settings", RedisTestSupport.wire("over-mtls-settings", 0));
      assertThat(broker.size("mtls-settings")).isEqualTo(1);
      backend.store(dev.apium.protocol.ResultMeta.success("tls-1", null, java.time.Instant.now()));
      assertThat(backend.get("tls-1")).isPresent();
    }
    // The backend's dictionary is its own: without it, the backend speaks plain Redis to the TLS
    // port and is refused.
    Map<String, String> brokerOnly = new java.util.HashMap<>(settings);
    brokerOnly.keySet().removeIf(k -> k.startsWith("redis_backend_use_ssl."));
    assertThatThrownBy(() -> new RedisResultBackend(plain, ApiumConfig.of(brokerOnly)).close())
        .hasMessageContaining("127.0.0.1:" + port);
  }
}
