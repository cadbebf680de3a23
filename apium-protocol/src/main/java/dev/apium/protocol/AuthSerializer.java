package dev.apium.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Celery's {@code auth} serializer ({@code celery.security.serialization.SecureSerializer}), byte
 * for byte: the serialized body is signed with RSA-PSS (MGF1 with the digest, maximum salt length),
 * and the message body becomes {@code base64(signer \0\1 signature \0\1 content_type \0\1
 * content_encoding \0\1 body)} with content type {@code application/data}. What is signed is the
 * inner body only: headers and properties are not covered, as in Celery. Pure (no I/O); immutable
 * and thread-safe.
 */
public final class AuthSerializer {
  /** The content type of a signed message. */
  public static final String CONTENT_TYPE = "application/data";

  private static final byte[] SEPARATOR = {0x00, 0x01};

  private final PrivateKey key;
  private final String signer;
  private final Map<String, X509Certificate> store;
  private final String digest;

  /**
   * @param key the signing key ({@code security_key}), or null for a verify-only serializer
   * @param certificate the certificate of that key ({@code security_certificate}), or null
   * @param store trusted signers by {@link SignerId} ({@code security_cert_store})
   * @param digest Celery's digest name, e.g. {@code sha256} ({@code security_digest})
   */
  public AuthSerializer(
      PrivateKey key,
      X509Certificate certificate,
      Map<String, X509Certificate> store,
      String digest) {
    this.key = key;
    this.signer = certificate == null ? null : SignerId.of(certificate);
    this.store = Map.copyOf(store);
    this.digest = javaDigest(digest);
    parameters(2048); // fails now, not at the first message, on an unknown digest
  }

  /** The signed form of a message: same headers and properties, an {@code auth} body. */
  public WireMessage sign(WireMessage message) {
    if (key == null) {
      throw new IllegalStateException(
          "cannot sign: no security_key / security_certificate configured");
    }
    byte[] payload =
        pack(
            message.body(),
            message.contentType() == null ? WireMessage.JSON : message.contentType(),
            message.contentEncoding() == null ? "utf-8" : message.contentEncoding());
    return new WireMessage(message.headers(), message.properties(), CONTENT_TYPE, "utf-8", payload);
  }

  /**
   * The inner message of a signed one, after checking its signature.
   *
   * @throws SignatureRejectedException when the signer is unknown or the signature does not match
   */
  public WireMessage verify(WireMessage message) {
    byte[] raw;
    try {
      raw = Base64.getMimeDecoder().decode(message.body());
    } catch (IllegalArgumentException e) {
      throw new SignatureRejectedException("signed body is not base64: " + e.getMessage(), e);
    }
    int first = indexOf(raw, 0);
    if (first < 0) {
      throw new SignatureRejectedException("signed body has no signer field");
    }
    String signerId = new String(raw, 0, first, StandardCharsets.UTF_8);
    X509Certificate cert = store.get(signerId);
    if (cert == null) {
      throw new SignatureRejectedException(
          "signed by unknown certificate '"
              + signerId
              + "': add its certificate to security_cert_store if it is trusted");
    }
    int sigStart = first + SEPARATOR.length;
    int sigEnd = sigStart + (bits(cert) >> 3);
    int typeEnd = sigEnd + SEPARATOR.length > raw.length ? -1 : indexOf(raw, sigEnd + 2);
    int encodingEnd = typeEnd < 0 ? -1 : indexOf(raw, typeEnd + 2);
    if (encodingEnd < 0) {
      throw new SignatureRejectedException("signed body is truncated (signer '" + signerId + "')");
    }
    byte[] signature = java.util.Arrays.copyOfRange(raw, sigStart, sigEnd);
    String contentType = new String(raw, sigEnd + 2, typeEnd - sigEnd - 2, StandardCharsets.UTF_8);
    String encoding =
        new String(raw, typeEnd + 2, encodingEnd - typeEnd - 2, StandardCharsets.UTF_8);
    byte[] body = java.util.Arrays.copyOfRange(raw, encodingEnd + 2, raw.length);
    try {
      Signature verifier = Signature.getInstance("RSASSA-PSS");
      verifier.setParameter(parameters(bits(cert)));
      verifier.initVerify(cert.getPublicKey());
      verifier.update(body);
      if (!verifier.verify(signature)) {
        throw new SignatureRejectedException(
            "bad signature: the body does not match the signature of '" + signerId + "'");
      }
    } catch (GeneralSecurityException e) {
      throw new SignatureRejectedException(
          "bad signature from '" + signerId + "': " + e.getMessage(), e);
    }
    return new WireMessage(message.headers(), message.properties(), contentType, encoding, body);
  }

  private byte[] pack(byte[] body, String contentType, String encoding) {
    byte[] signature;
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(parameters(bits(key)));
      s.initSign(key);
      s.update(body);
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with security_key: " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + signature.length + 200);
    out.writeBytes(signer.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SEPARATOR);
    out.writeBytes(signature);
    out.writeBytes(SEPARATOR);
    out.writeBytes(contentType.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SEPARATOR);
    out.writeBytes(encoding.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SEPARATOR);
    out.writeBytes(body);
    return Base64.getEncoder().encode(out.toByteArray());
  }

  /** PSS with MGF1 over the same digest and the largest salt, as cryptography's MAX_LENGTH. */
  private PSSParameterSpec parameters(int modulusBits) {
    int hashLength;
    try {
      hashLength = java.security.MessageDigest.getInstance(digest).getDigestLength();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("security_digest: unknown digest " + digest, e);
    }
    int emLength = (modulusBits - 1 + 7) / 8;
    return new PSSParameterSpec(
        digest, "MGF1", new MGF1ParameterSpec(digest), emLength - hashLength - 2, 1);
  }

  private static int bits(Object key) {
    if (key instanceof X509Certificate cert) {
      key = cert.getPublicKey();
    }
    if (key instanceof RSAKey rsa) {
      return rsa.getModulus().bitLength();
    }
    throw new IllegalArgumentException(
        "Celery's auth serializer signs with RSA only; got a " + key.getClass().getSimpleName());
  }

  private static int indexOf(byte[] raw, int from) {
    for (int i = Math.max(0, from); i + 1 < raw.length; i++) {
      if (raw[i] == SEPARATOR[0] && raw[i + 1] == SEPARATOR[1]) {
        return i;
      }
    }
    return -1;
  }

  /** {@code sha256} → {@code SHA-256}, as Celery's {@code getattr(hashes, digest.upper())}. */
  static String javaDigest(String celeryName) {
    String name = celeryName == null ? "SHA256" : celeryName.toUpperCase(Locale.ROOT);
    return switch (name) {
      case "SHA1" -> "SHA-1";
      case "SHA224" -> "SHA-224";
      case "SHA256" -> "SHA-256";
      case "SHA384" -> "SHA-384";
      case "SHA512" -> "SHA-512";
      case "SHA3_256" -> "SHA3-256";
      case "SHA3_512" -> "SHA3-512";
      default ->
          throw new IllegalArgumentException(
              "security_digest '"
                  + celeryName
                  + "' is not supported: use sha256 (Celery's default), sha384, sha512 or sha1");
    };
  }
}
