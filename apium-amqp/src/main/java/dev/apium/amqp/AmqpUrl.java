package dev.apium.amqp;

import com.rabbitmq.client.Address;
import dev.apium.spi.Transports;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code amqp://user:pass@host:port/vhost} (or {@code amqps://}, {@code pyamqp://}) URL,
 * read the way kombu reads it: the path after the first {@code /} is the URL-encoded virtual host,
 * so {@code //} and {@code /%2F} both mean {@code /} and an empty path means {@code /}. Celery's
 * failover form {@code amqp://a//;amqp://b//} names several nodes of one cluster: the first gives
 * the fields and {@link #addresses()} lists them all. Immutable.
 *
 * @param tls true for {@code amqps}
 * @param host server host name
 * @param port server port (5672, or 5671 with TLS, when absent)
 * @param user user name ({@code guest} when absent)
 * @param password password ({@code guest} when absent)
 * @param vhost the virtual host
 * @param text the URL as given, for messages (masked by {@link #masked()})
 */
record AmqpUrl(
    boolean tls, String host, int port, String user, String password, String vhost, String text) {

  static AmqpUrl parse(String url) {
    int semicolon = url == null ? -1 : url.indexOf(';');
    if (semicolon < 0) {
      return parseOne(url, url);
    }
    AmqpUrl first = parseOne(url.substring(0, semicolon), url);
    first.addresses();
    return first;
  }

  private static AmqpUrl parseOne(String url, String text) {
    String scheme = Transports.scheme(url);
    boolean tls =
        switch (scheme) {
          case "amqp", "pyamqp", "librabbitmq" -> false;
          case "amqps" -> true;
          default ->
              throw new IllegalArgumentException(
                  "'"
                      + Transports.mask(url)
                      + "' is not a RabbitMQ URL: write it as amqp://user:pass@host:5672/vhost");
        };
    String rest = url.substring(scheme.length() + 1);
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    String vhost = path.isEmpty() ? "/" : decode(path);

    String user = "guest";
    String password = "guest";
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String credentials = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = credentials.indexOf(':');
      user = decode(colon < 0 ? credentials : credentials.substring(0, colon));
      password = colon < 0 ? "" : decode(credentials.substring(colon + 1));
    }
    String host = authority;
    int port = tls ? 5671 : 5672;
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && !authority.endsWith("]")) {
      host = authority.substring(0, colon);
      String digits = authority.substring(colon + 1);
      try {
        port = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "port '" + digits + "' in '" + Transports.mask(url) + "' is not a number", e);
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      host = "localhost";
    }
    return new AmqpUrl(tls, host.toLowerCase(Locale.ROOT), port, user, password, vhost, text);
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * Every node of Celery's failover form {@code amqp://u:p@a:5672//;amqp://u:p@b:5672//}; one
   * address for a plain URL. amqp-client tries them in random order (spreading clients over the
   * cluster), skipping unreachable ones, on the first connect and on every recovery. All must share
   * scheme, user, password and vhost, as one connection factory opens them.
   */
  List<Address> addresses() {
    List<Address> out = new ArrayList<>();
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      AmqpUrl node = parseOne(part.trim(), part.trim());
      if (node.tls != tls
          || !node.user.equals(user)
          || !node.password.equals(password)
          || !node.vhost.equals(vhost)) {
        throw new IllegalArgumentException(
            "the addresses in '"
                + masked()
                + "' differ in scheme, user, password or vhost: write every amqp:// address of a"
                + " cluster with the same credentials and vhost");
      }
      out.add(new Address(node.host, node.port));
    }
    return out;
  }

  /** {@code host:port} (comma-separated for several nodes), for error messages. */
  String address() {
    StringBuilder out = new StringBuilder();
    for (Address node : addresses()) {
      out.append(out.length() == 0 ? "" : ",").append(node.getHost()).append(':');
      out.append(node.getPort());
    }
    return out.toString();
  }

  String masked() {
    return Transports.mask(text);
  }
}
