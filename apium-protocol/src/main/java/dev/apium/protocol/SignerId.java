package dev.apium.protocol;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The name Celery's {@code auth} serializer gives a signer: the values of the certificate's issuer
 * attributes in their encoded order, joined by spaces, then a space and the serial number in
 * decimal ({@code celery.security.certificate.Certificate.get_id}), e.g. {@code "FR Acme
 * acme-signer 7031..."}. Read from the DER issuer so that escaping rules of string forms cannot
 * change it. Stateless.
 */
public final class SignerId {
  private SignerId() {}

  public static String of(X509Certificate cert) {
    List<String> values = new ArrayList<>();
    Der issuer = new Der(cert.getIssuerX500Principal().getEncoded(), 0);
    Der rdns = issuer.content();
    while (rdns.hasMore()) {
      Der set = rdns.next();
      Der attributes = set.content();
      while (attributes.hasMore()) {
        Der pair = attributes.next().content();
        pair.next(); // the attribute type OID
        values.add(pair.next().text());
      }
    }
    values.add(cert.getSerialNumber().toString());
    return String.join(" ", values);
  }

  /** A cursor over DER elements: enough to walk an X.500 name. */
  private static final class Der {
    private final byte[] bytes;
    private int position;
    private final int end;
    private int tag;
    private int start;
    private int length;

    Der(byte[] bytes, int position) {
      this(bytes, position, bytes.length);
    }

    private Der(byte[] bytes, int position, int end) {
      this.bytes = bytes;
      this.position = position;
      this.end = end;
      if (position < end) {
        header();
      }
    }

    private void header() {
      tag = bytes[position] & 0xff;
      int first = bytes[position + 1] & 0xff;
      int offset = position + 2;
      if (first < 0x80) {
        length = first;
      } else {
        length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
          length = (length << 8) | (bytes[offset++] & 0xff);
        }
      }
      start = offset;
    }

    boolean hasMore() {
      return position < end;
    }

    /** The current element, then moves past it. */
    Der next() {
      Der current = new Der(bytes, position, start + length);
      position = start + length;
      if (position < end) {
        header();
      }
      return current;
    }

    /** A cursor over the children of this constructed element. */
    Der content() {
      return new Der(bytes, start, start + length);
    }

    String text() {
      Charset charset =
          switch (tag) {
            case 0x1e -> StandardCharsets.UTF_16BE;
            case 0x1c -> Charset.forName("UTF-32BE");
            case 0x13, 0x16, 0x14 -> StandardCharsets.ISO_8859_1;
            default -> StandardCharsets.UTF_8;
          };
      return new String(bytes, start, length, charset);
    }
  }
}
