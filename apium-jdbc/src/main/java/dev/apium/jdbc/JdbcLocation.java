package dev.apium.jdbc;

import dev.apium.spi.Settings;
import dev.apium.spi.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the database is, parsed from a transport URL and the settings: {@code sqlite:<path>}
 * ({@code ~} expanded, parent directories created; {@code sqlite:///abs} also accepted) or {@code
 * postgresql://user:pass@host:port/db} ({@code postgres://} and {@code jdbc:postgresql://} too).
 * The schema comes from the URL's {@code schema} parameter or the {@code jdbc_schema} setting
 * (PostgreSQL only), the table prefix from {@code jdbc_table_prefix} (default {@code apium_}), how
 * long a PostgreSQL query may wait for an answer from {@code jdbc_socket_timeout}. Immutable value.
 */
record JdbcLocation(
    Dialect dialect,
    String jdbcUrl,
    String user,
    String password,
    String database,
    String schema,
    String prefix,
    String display,
    int poolSize) {

  static final String SCHEMA = "jdbc_schema";
  static final String TABLE_PREFIX = "jdbc_table_prefix";
  static final String POOL_SIZE = "jdbc_pool_size";

  /**
   * Seconds a PostgreSQL query waits for the server's answer (pgjdbc's {@code socketTimeout}),
   * unless the URL sets {@code socketTimeout} itself; 0 waits forever.
   */
  static final String SOCKET_TIMEOUT = "jdbc_socket_timeout";

  static final int DEFAULT_SOCKET_TIMEOUT_SECONDS = 20;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,40}");

  static JdbcLocation parse(String url, Settings config) {
    String scheme = Transports.scheme(url);
    String prefix = identifier(config.get(TABLE_PREFIX, "apium_"), TABLE_PREFIX, true);
    int pool = Math.max(2, config.getInt(POOL_SIZE, 4));
    return switch (scheme) {
      case "sqlite" -> sqlite(url, prefix);
      case "postgresql", "postgres" -> postgres(url, url, config, prefix, pool);
      case "jdbc" -> {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql://")) {
          throw new IllegalArgumentException(
              "'" + Transports.mask(url) + "' is not supported: use jdbc:postgresql://host/db");
        }
        yield postgres(url.substring(5), url, config, prefix, pool);
      }
      default ->
          throw new IllegalArgumentException(
              "'" + Transports.mask(url) + "' is not a sqlite or postgresql URL");
    };
  }

  boolean isSqlite() {
    return dialect == Dialect.SQLITE;
  }

  /** A table name, qualified with the schema when there is one. */
  String table(String name) {
    return (schema == null ? "" : "\"" + schema + "\".") + prefix + name;
  }

  /** A NOTIFY channel name private to this schema and prefix. */
  String channel(String name) {
    return ((schema == null ? "" : schema + "_") + prefix + name).toLowerCase(Locale.ROOT);
  }

  private static JdbcLocation sqlite(String url, String prefix) {
    String rest = url.substring("sqlite:".length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.isBlank()) {
      throw new IllegalArgumentException(
          "'" + url + "' names no file: write sqlite:<path>, e.g. sqlite:./apium.db");
    }
    if (rest.equals("~") || rest.startsWith("~/")) {
      rest = System.getProperty("user.home") + rest.substring(1);
    }
    Path path = Path.of(rest).toAbsolutePath().normalize();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create directory " + path.getParent() + " for " + url + ": check broker_url", e);
    }
    return new JdbcLocation(
        Dialect.SQLITE,
        "jdbc:sqlite:" + path,
        null,
        null,
        path.toString(),
        null,
        prefix,
        "sqlite:" + path,
        1);
  }

  private static JdbcLocation postgres(
      String url, String original, Settings config, String prefix, int pool) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + Transports.mask(original) + "' is not a valid URL: " + e.getReason(), e);
    }
    // An authority Java cannot split into user, host and port (a raw '/', '@' or ':' in the
    // password), or a database name holding them, is refused here: handed on, pgjdbc would log the
    // URL, secret included.
    if ((uri.getRawAuthority() != null && uri.getHost() == null)
        || (uri.getPath() != null
            && uri.getPath().substring(Math.min(1, uri.getPath().length())).matches(".*[/@:].*"))) {
      throw new IllegalArgumentException(
          "'"
              + Transports.mask(original)
              + "' cannot be read as postgresql://user:password@host:port/db: percent-encode"
              + " '/', '@', ':' and '?' in the user name and password (e.g. %2F for '/')");
    }
    String host = uri.getHost() == null ? "localhost" : uri.getHost();
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String db =
        uri.getPath() == null || uri.getPath().length() <= 1
            ? "postgres"
            : uri.getPath().substring(1);
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String schema = config.get(SCHEMA);
    List<String> params = new ArrayList<>();
    if (uri.getRawQuery() != null) {
      for (String param : uri.getRawQuery().split("&")) {
        String[] kv = param.split("=", 2);
        String key = decode(kv[0]);
        String value = kv.length > 1 ? decode(kv[1]) : "";
        switch (key) {
          case "schema" -> schema = schema == null ? value : schema;
          case "user" -> user = value;
          case "password" -> password = value;
          default -> params.add(param);
        }
      }
    }
    if (user == null) {
      user = "postgres";
    }
    // A hung server (connections open, nothing answering) must not hold a query for ever: a
    // worker's stop would wait on it. pgjdbc's own parameter in the URL wins.
    int socketTimeout = config.getInt(SOCKET_TIMEOUT, DEFAULT_SOCKET_TIMEOUT_SECONDS);
    if (socketTimeout > 0 && params.stream().noneMatch(p -> p.startsWith("socketTimeout="))) {
      params.add("socketTimeout=" + socketTimeout);
    }
    schema = schema == null || schema.isBlank() ? null : identifier(schema, SCHEMA, false);
    String jdbc =
        "jdbc:postgresql://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + port
            + "/"
            + db
            + (params.isEmpty() ? "" : "?" + String.join("&", params));
    return new JdbcLocation(
        Dialect.POSTGRES,
        jdbc,
        user,
        password,
        db,
        schema,
        prefix,
        "postgresql://"
            + user
            + "@"
            + host
            + ":"
            + port
            + "/"
            + db
            + (schema == null ? "" : " schema " + schema),
        pool);
  }

  private static String identifier(String value, String setting, boolean allowEmpty) {
    if (allowEmpty && value.isEmpty()) {
      return value;
    }
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "setting "
              + setting
              + "='"
              + value
              + "' is not a plain SQL name: use letters, digits, _");
    }
    return value;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
