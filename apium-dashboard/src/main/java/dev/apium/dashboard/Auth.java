package dev.apium.dashboard;

import io.javalin.http.Context;
import io.javalin.security.BasicAuthCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may act: checks a request against the configured credentials (basic auth {@code
 * user:password}, a bearer token, or a session cookie set by the login form) and read-only mode. A
 * cookie-authenticated action must also carry the {@code X-Apium-Action} header, which a page of
 * another site cannot add, so forms elsewhere cannot trigger actions. Called from HTTP threads;
 * sessions live in a concurrent set until the dashboard stops.
 */
final class Auth {
  static final String COOKIE = "apium_session";
  static final String ACTION_HEADER = "X-Apium-Action";

  /** The outcome of a check, with the HTTP status and message a refusal gets. */
  enum Verdict {
    ALLOWED(200, "ok"),
    LOGIN_REQUIRED(401, "log in to use actions: POST /login, basic auth or a bearer token"),
    NO_CREDENTIALS(
        403, "actions are off: start the dashboard with --auth user:password (or a token)"),
    READ_ONLY(403, "the dashboard is read-only (--read-only): actions are off");

    final int status;
    final String message;

    Verdict(int status, String message) {
      this.status = status;
      this.message = message;
    }
  }

  private final DashboardSettings settings;
  private final String user;
  private final String secret;
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();

  Auth(DashboardSettings settings) {
    this.settings = settings;
    String auth = settings.auth();
    int colon = auth == null ? -1 : auth.indexOf(':');
    user = colon < 0 ? null : auth.substring(0, colon);
    secret = auth == null ? null : colon < 0 ? auth : auth.substring(colon + 1);
  }

  /** Whether a user name is part of the credentials (basic auth) or only a token. */
  boolean usesPassword() {
    return user != null;
  }

  Verdict check(Context ctx) {
    if (settings.readOnly()) {
      return Verdict.READ_ONLY;
    }
    if (secret == null) {
      return Verdict.NO_CREDENTIALS;
    }
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return user == null && same(header.substring(7).trim(), secret)
          ? Verdict.ALLOWED
          : Verdict.LOGIN_REQUIRED;
    }
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      BasicAuthCredentials c = ctx.basicAuthCredentials();
      return c != null && valid(c.getUsername(), c.getPassword())
          ? Verdict.ALLOWED
          : Verdict.LOGIN_REQUIRED;
    }
    String session = ctx.cookie(COOKIE);
    if (session != null && sessions.contains(session) && ctx.header(ACTION_HEADER) != null) {
      return Verdict.ALLOWED;
    }
    return Verdict.LOGIN_REQUIRED;
  }

  /** Whether the request carries a live session cookie (for showing "logged in"). */
  boolean loggedIn(Context ctx) {
    String session = ctx.cookie(COOKIE);
    return session != null && sessions.contains(session);
  }

  /** Checks the login form's fields; on success returns a new session id, else null. */
  String login(String formUser, String password) {
    if (secret == null || !valid(formUser, password)) {
      return null;
    }
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    sessions.add(id);
    return id;
  }

  void logout(String session) {
    if (session != null) {
      sessions.remove(session);
    }
  }

  private boolean valid(String givenUser, String password) {
    if (password == null) {
      return false;
    }
    boolean userOk = user == null || same(givenUser == null ? "" : givenUser, user);
    return userOk & same(password, secret);
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
