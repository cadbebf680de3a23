package dev.apium.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded, reproducible broker URLs whose passwords hold what breaks URL parsers (raw {@code /},
 * {@code @}, {@code :}, {@code ?}, {@code #}, {@code %}, spaces), in every shape a user mistypes:
 * with and without scheme, password only, password in the query. Each password contains the marker
 * {@link #MARKER} so a test can assert it never appears in any output. Hosts are 127.0.0.1 port 1,
 * where nothing listens, so building a broker from one fails fast. (A password-only user
 * information has no {@code :}: with one, URL grammar makes the part before it a user name, which
 * is shown.)
 */
public final class MalformedUrls {
  /** Every generated password contains this. */
  public static final String MARKER = "Zq9";

  private static final String ALPHABET = "abcXYZ019/@:?#%&= ._-+!$'()*,;[]~";

  private MalformedUrls() {}

  /** A secret: the marker with random awkward characters around and inside it. */
  public static String password(Random random) {
    StringBuilder b = new StringBuilder();
    int before = random.nextInt(4);
    for (int i = 0; i < before; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    b.append(MARKER);
    int after = random.nextInt(6);
    for (int i = 0; i < after; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** {@code count} URLs for the scheme, from the seed. */
  public static List<String> urls(String scheme, long seed, int count) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String pw = password(random);
      String host = "127.0.0.1";
      out.add(
          switch (i % 7) {
            case 0 -> scheme + "://user:" + pw + "@" + host + ":1/0";
            case 1 -> scheme + "://:" + pw + "@" + host + ":1/0";
            case 2 -> scheme + "://" + pw.replace(":", "") + "@" + host;
            case 3 -> "user:" + pw + "@" + host + ":1/0";
            case 4 -> scheme + ":/user:" + pw + "@" + host + "/0";
            case 5 -> scheme + "://user:" + pw + "@" + host + ":1/0?password=" + pw;
            default -> scheme + "://us:er:" + pw + "@" + host + ":notaport/x";
          });
    }
    return out;
  }
}
