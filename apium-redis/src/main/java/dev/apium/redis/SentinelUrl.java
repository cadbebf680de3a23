package dev.apium.redis;

import dev.apium.spi.Transports;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns kombu's Sentinel URL ({@code
 * sentinel://[[user]:password@]host:26379[/db];sentinel://host2:26379}) and its transport options
 * into a Lettuce {@link RedisURI} that asks the sentinels for the master on every (re)connect. As
 * in kombu, the password and db of the first address are the master's; {@code master_name} is
 * required and {@code sentinel_kwargs.password} (and {@code sentinel_kwargs.username}) authenticate
 * to the sentinels themselves. Stateless.
 */
final class SentinelUrl {
  static final int DEFAULT_PORT = 26379;

  private SentinelUrl() {}

  static boolean is(String url) {
    return url != null && url.regionMatches(true, 0, "sentinel://", 0, 11);
  }

  static RedisURI parse(String url, String setting, Map<String, String> options) {
    String master = options.get("master_name");
    String optionsSetting =
        setting.equals("result_backend") ? TransportOptions.BACKEND : TransportOptions.BROKER;
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException(
          setting
              + " '"
              + Transports.mask(url)
              + "' is a Sentinel URL but names no master: set "
              + optionsSetting
              + ".master_name=<the name in sentinel.conf's 'sentinel monitor'>");
    }
    List<URI> addresses = new ArrayList<>();
    for (String part : url.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        URI address = new URI(part.trim());
        if (!"sentinel".equalsIgnoreCase(address.getScheme()) || address.getHost() == null) {
          throw new URISyntaxException(part, "not sentinel://host:port");
        }
        addresses.add(address);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "cannot read "
                + setting
                + " '"
                + Transports.mask(url)
                + "': every address must be sentinel://host:port, separated by ';'",
            e);
      }
    }
    URI first = addresses.get(0);
    RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(master);
    for (URI address : addresses) {
      RedisURI sentinel =
          RedisURI.create(
              "redis://" + address.getHost() + ":" + portOf(address.getPort(), DEFAULT_PORT));
      String password = options.get("sentinel_kwargs.password");
      if (password != null) {
        String user = options.get("sentinel_kwargs.username");
        RedisURI.Builder withPassword = RedisURI.builder(sentinel);
        sentinel =
            (user == null
                    ? withPassword.withPassword(password.toCharArray())
                    : withPassword.withAuthentication(user, password.toCharArray()))
                .build();
      }
      builder.withSentinel(sentinel);
    }
    String userInfo = first.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? null : decode(userInfo.substring(0, colon));
      String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
      if (user == null || user.isEmpty()) {
        builder.withPassword(password.toCharArray());
      } else {
        builder.withAuthentication(user, password.toCharArray());
      }
    }
    String path = first.getPath();
    if (path != null && path.length() > 1) {
      try {
        builder.withDatabase(Integer.parseInt(path.substring(1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "cannot read "
                + setting
                + " '"
                + Transports.mask(url)
                + "': the database after the last '/' must be a number",
            e);
      }
    }
    return builder.build();
  }

  /** The sentinels, for messages: {@code master 'mymaster' via h1:26379,h2:26379}. */
  static String describe(RedisURI uri) {
    StringBuilder out = new StringBuilder("master '" + uri.getSentinelMasterId() + "' via ");
    for (RedisURI sentinel : uri.getSentinels()) {
      if (out.charAt(out.length() - 1) != ' ') {
        out.append(',');
      }
      out.append(sentinel.getHost()).append(':').append(sentinel.getPort());
    }
    return out.toString();
  }

  private static int portOf(int port, int fallback) {
    return port < 0 ? fallback : port;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
