package dev.apium;

import dev.apium.protocol.Pem;
import dev.apium.protocol.SignerId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the files behind Celery's security settings: {@code security_key} and {@code
 * security_certificate} (PEM files), and {@code security_cert_store}, a directory or a glob such as
 * {@code /etc/ssl/certs/*.pem} as Celery's {@code FSCertStore} takes it. Refuses an expired or
 * duplicate certificate as Celery does. Called once when an app builds its {@link MessageCodec}.
 */
final class SecurityFiles {
  private SecurityFiles() {}

  static PrivateKey key(String path) {
    return Pem.privateKey(read(path, "security_key"), "security_key " + path);
  }

  static X509Certificate certificate(String path) {
    return Pem.certificates(read(path, "security_certificate"), "security_certificate " + path)
        .get(0);
  }

  /** Trusted certificates by Celery's signer id. */
  static Map<String, X509Certificate> store(String pattern, Instant now) {
    Map<String, X509Certificate> out = new LinkedHashMap<>();
    for (Path file : files(pattern)) {
      for (X509Certificate cert :
          Pem.certificates(read(file.toString(), "security_cert_store"), file.toString())) {
        String id = SignerId.of(cert);
        if (cert.getNotAfter().toInstant().isBefore(now)) {
          throw new IllegalArgumentException(
              "security_cert_store: expired certificate '" + id + "' in " + file);
        }
        if (out.putIfAbsent(id, cert) != null) {
          throw new IllegalArgumentException(
              "security_cert_store: duplicate certificate '" + id + "' in " + file);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "security_cert_store '"
              + pattern
              + "' matches no certificate file: give a directory or a glob like /etc/ssl/certs/*.pem");
    }
    return out;
  }

  private static List<Path> files(String pattern) {
    Path path = Path.of(pattern);
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(path)) {
      collect(path, "*", out);
    } else if (Files.isRegularFile(path)) {
      out.add(path);
    } else {
      Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
      if (Files.isDirectory(dir)) {
        collect(dir, path.getFileName().toString(), out);
      }
    }
    out.sort(null);
    return out;
  }

  private static void collect(Path dir, String glob, List<Path> out) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry) && matcher.matches(entry.getFileName())) {
          out.add(entry);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("security_cert_store: cannot list " + dir + ": " + e, e);
    }
  }

  private static String read(String path, String setting) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          setting + " '" + path + "' cannot be read: " + e.getMessage(), e);
    }
  }
}
