package dev.apium.redis;

import io.lettuce.core.SslOptions;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Celery's Redis TLS file options, given in the URL query as Celery's Redis backend takes them
 * ({@code
 * rediss://host:6380/0?ssl_ca_certs=/ca.pem&ssl_certfile=/client.pem&ssl_keyfile=/client.key}): a
 * CA to trust instead of the JVM's, and a client certificate for servers that ask for one ({@code
 * tls-auth-clients yes}). {@link #from} takes them out of the URL and turns them into Lettuce's
 * {@link SslOptions}. Immutable; used once per connector.
 *
 * @param url the URL without these parameters
 * @param options the TLS options, or null when none was given
 */
record RedisTls(String url, SslOptions options) {
  private static final Pattern PARAM =
      Pattern.compile("([?&])(ssl_ca_certs|ssl_certfile|ssl_keyfile)=([^&]*)");

  static RedisTls from(String url) {
    Map<String, String> files = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(url);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      files.put(
          m.group(2),
          java.net.URLDecoder.decode(m.group(3), java.nio.charset.StandardCharsets.UTF_8));
      m.appendReplacement(rest, "$1");
    }
    m.appendTail(rest);
    if (files.isEmpty()) {
      return new RedisTls(url, null);
    }
    String cleaned =
        rest.toString().replaceAll("\\?&+", "?").replaceAll("&{2,}", "&").replaceAll("[?&]+$", "");
    SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
    String ca = files.get("ssl_ca_certs");
    if (ca != null) {
      b.trustManager(readable(ca, "ssl_ca_certs"));
    }
    String cert = files.get("ssl_certfile");
    String key = files.get("ssl_keyfile");
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "a Redis client certificate needs both ssl_certfile and ssl_keyfile (got only "
              + (cert == null ? "ssl_keyfile" : "ssl_certfile")
              + ")");
    }
    if (cert != null) {
      b.keyManager(readable(cert, "ssl_certfile"), readable(key, "ssl_keyfile"), null);
    }
    return new RedisTls(cleaned, b.build());
  }

  private static File readable(String path, String parameter) {
    File file = new File(path);
    if (!file.canRead()) {
      throw new IllegalArgumentException(
          parameter + " '" + path + "' cannot be read: give the path of a PEM file");
    }
    return file;
  }
}
