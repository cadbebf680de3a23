package dev.apium.amqp;

import dev.apium.spi.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS context for {@code amqps://}: the JVM default (its trust store, or {@code
 * javax.net.ssl.trustStore}), or one that trusts only the PEM CA certificates named by the {@code
 * broker_ssl_ca_certs} setting (Celery's {@code broker_use_ssl={'ca_certs': ...}}). Stateless;
 * called once per connector by the thread creating it.
 */
final class AmqpTls {
  /** Setting naming a PEM file of CA certificates to trust for {@code amqps://}. */
  static final String CA_CERTS = "broker_ssl_ca_certs";

  /** Settings naming a PEM client certificate and its key (Celery's certfile / keyfile). */
  static final String CERTFILE = "broker_ssl_certfile";

  static final String KEYFILE = "broker_ssl_keyfile";

  private AmqpTls() {}

  /**
   * A TLS file setting by Apium's flat name ({@code broker_ssl_certfile}), or else by Celery's
   * {@code broker_use_ssl} dictionary key flattened ({@code broker_use_ssl.certfile}).
   */
  static String setting(Settings config, String flatName) {
    String value = config.get(flatName);
    return value != null
        ? value
        : config.get("broker_use_ssl." + flatName.substring("broker_ssl_".length()));
  }

  static SSLContext context(Settings config) {
    String caCerts = setting(config, CA_CERTS);
    javax.net.ssl.KeyManager[] keys = AmqpClientCertificate.keyManagers(config);
    try {
      if (caCerts == null || caCerts.isBlank()) {
        if (keys == null) {
          return SSLContext.getDefault();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, null, null);
        return context;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      Collection<? extends Certificate> certs;
      try (InputStream in = Files.newInputStream(Path.of(caCerts))) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(
            CA_CERTS
                + " '"
                + caCerts
                + "' holds no PEM certificate: point it at the CA's .pem file");
      }
      int i = 0;
      for (Certificate cert : certs) {
        store.setCertificateEntry("ca" + i++, cert);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + CA_CERTS + " '" + caCerts + "': " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use " + CA_CERTS + " '" + caCerts + "' as TLS trust: " + e.getMessage(), e);
    }
  }
}
