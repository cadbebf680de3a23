package dev.apium.amqp;

import dev.apium.protocol.Pem;
import dev.apium.spi.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The client certificate {@code amqps://} presents to a RabbitMQ node that asks for one ({@code
 * ssl_options.verify = verify_peer}): PEM files named by {@code broker_ssl_certfile} (certificate
 * and chain) and {@code broker_ssl_keyfile} (RSA key), Celery's {@code broker_use_ssl={'certfile':
 * ..., 'keyfile': ...}}. Stateless; called when a connector builds its TLS context.
 */
final class AmqpClientCertificate {
  private AmqpClientCertificate() {}

  /** The key managers for the configured certificate, or null when none is configured. */
  static KeyManager[] keyManagers(Settings config) {
    String certfile = AmqpTls.setting(config, AmqpTls.CERTFILE);
    String keyfile = AmqpTls.setting(config, AmqpTls.KEYFILE);
    if (certfile == null && keyfile == null) {
      return null;
    }
    if (certfile == null || keyfile == null) {
      throw new IllegalArgumentException(
          "a RabbitMQ client certificate needs both "
              + AmqpTls.CERTFILE
              + " and "
              + AmqpTls.KEYFILE);
    }
    try {
      List<X509Certificate> chain =
          Pem.certificates(Files.readString(Path.of(certfile)), AmqpTls.CERTFILE + " " + certfile);
      PrivateKey key =
          Pem.privateKey(Files.readString(Path.of(keyfile)), AmqpTls.KEYFILE + " " + keyfile);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the RabbitMQ client certificate: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use the RabbitMQ client certificate " + certfile + ": " + e.getMessage(), e);
    }
  }
}
