package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Celery's {@code auth} serializer: a body signed by Celery 5.2.6 (resource {@code
 * security/python-signed-body.txt}) verifies and opens; Apium's own signatures round-trip; unknown
 * signers, tampered bodies and truncated payloads are refused with the reason.
 */
class AuthSerializerTest {
  private static final String BODY =
      "[[2, 3], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";

  static String resource(String name) {
    try (InputStream in = AuthSerializerTest.class.getResourceAsStream("/security/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate cert(String name) {
    return Pem.certificates(resource(name), name).get(0);
  }

  private static AuthSerializer serializer(String signer, String... trusted) {
    Map<String, X509Certificate> store = new java.util.HashMap<>();
    for (String name : trusted) {
      store.put(SignerId.of(cert(name + ".pem")), cert(name + ".pem"));
    }
    PrivateKey key = Pem.privateKey(resource(signer + ".key"), signer + ".key");
    return new AuthSerializer(key, cert(signer + ".pem"), store, "sha256");
  }

  private static WireMessage signed(String body) {
    return new WireMessage(
        Map.of("task", "t.add", "id", "1"),
        Map.of(),
        AuthSerializer.CONTENT_TYPE,
        "utf-8",
        body.trim().getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void signerIdIsCeleryCertificateGetId() {
    assertThat(SignerId.of(cert("test-only-other.pem")))
        .isEqualTo(resource("test-only-other.signer-id.txt").trim());
  }

  @Test
  void bodySignedByPythonCeleryVerifiesAndOpens() {
    WireMessage inner =
        serializer("test-only-signer", "test-only-signer")
            .verify(signed(resource("python-signed-body.txt")));
    assertThat(inner.contentType()).isEqualTo("application/json");
    assertThat(inner.contentEncoding()).isEqualTo("utf-8");
    assertThat(inner.bodyText()).isEqualTo(BODY);
    assertThat(inner.headers()).containsEntry("task", "t.add");
  }

  @Test
  void apiumSignatureRoundTripsAndKeepsTheLayout() {
    AuthSerializer auth = serializer("test-only-signer", "test-only-signer");
    WireMessage plain =
        WireMessage.json(Map.of("task", "t.add"), Map.of(), BODY.getBytes(StandardCharsets.UTF_8));
    WireMessage out = auth.sign(plain);
    assertThat(out.contentType()).isEqualTo("application/data");
    String raw = new String(Base64.getDecoder().decode(out.body()), StandardCharsets.ISO_8859_1);
    assertThat(raw).startsWith(SignerId.of(cert("test-only-signer.pem")) + "\u0000\u0001");
    assertThat(raw).endsWith("\u0000\u0001application/json\u0000\u0001utf-8\u0000\u0001" + BODY);
    assertThat(auth.verify(out).bodyText()).isEqualTo(BODY);
  }

  @Test
  void tamperedBodyIsRefused() {
    byte[] raw = Base64.getDecoder().decode(resource("python-signed-body.txt").trim());
    String text = new String(raw, StandardCharsets.ISO_8859_1).replace("[[2, 3]", "[[2, 4]");
    String tampered =
        Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(
            () -> serializer("test-only-signer", "test-only-signer").verify(signed(tampered)))
        .isInstanceOf(SignatureRejectedException.class)
        .hasMessageContaining("bad signature");
  }

  @Test
  void unknownSignerIsRefusedByName() {
    assertThatThrownBy(
            () ->
                serializer("test-only-other", "test-only-other")
                    .verify(signed(resource("python-signed-body.txt"))))
        .isInstanceOf(SignatureRejectedException.class)
        .hasMessageContaining("unknown certificate 'FR Apium Tests apium-test-signer ")
        .hasMessageContaining("security_cert_store");
  }

  @Test
  void signatureByAnotherKeyUnderATrustedNameIsRefused() {
    AuthSerializer other = serializer("test-only-other", "test-only-other");
    String forged =
        new String(
                Base64.getDecoder()
                    .decode(
                        other
                            .sign(
                                WireMessage.json(
                                    Map.of(), Map.of(), BODY.getBytes(StandardCharsets.UTF_8)))
                            .body()),
                StandardCharsets.ISO_8859_1)
            .replace(
                SignerId.of(cert("test-only-other.pem")),
                SignerId.of(cert("test-only-signer.pem")));
    String body = Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(
            () -> serializer("test-only-signer", "test-only-signer").verify(signed(body)))
        .isInstanceOf(SignatureRejectedException.class)
        .hasMessageContaining("bad signature");
  }

  @Test
  void garbageIsRefusedNotThrownAsSomethingElse() {
    AuthSerializer auth = serializer("test-only-signer", "test-only-signer");
    assertThatThrownBy(() -> auth.verify(signed("%%%")))
        .isInstanceOf(SignatureRejectedException.class);
    assertThatThrownBy(() -> auth.verify(signed(Base64.getEncoder().encodeToString(new byte[3]))))
        .isInstanceOf(SignatureRejectedException.class);
    String truncated = resource("python-signed-body.txt").trim().substring(0, 500);
    assertThatThrownBy(() -> auth.verify(signed(truncated)))
        .isInstanceOf(SignatureRejectedException.class);
  }

  @Test
  void unknownDigestNamesTheSetting() {
    assertThatThrownBy(() -> new AuthSerializer(null, null, Map.of(), "md5"))
        .hasMessageContaining("security_digest 'md5'");
  }
}
