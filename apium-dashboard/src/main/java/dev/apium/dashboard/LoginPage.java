package dev.apium.dashboard;

import static dev.apium.dashboard.Html.esc;

/**
 * The login form: user and password for basic-auth credentials, or only the token. Logging in sets
 * the session cookie that page actions use. Stateless; called from HTTP threads.
 */
final class LoginPage {
  private LoginPage() {}

  static String form(Auth auth, String error, String next) {
    String userField =
        auth.usesPassword()
            ? "<label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" required></label>"
            : "";
    String secretLabel = auth.usesPassword() ? "Password" : "Token";
    return Html.page(
        "Log in",
        "",
        false,
        (error == null ? "" : "<p class=\"error\" id=\"login-error\">" + esc(error) + "</p>")
            + "<p class=\"muted\">Actions (revoke, shutdown, pool, rate limit, purge) need a login;"
            + " pages and the API can be read without.</p>"
            + "<form method=\"post\" action=\"/login\" class=\"login\">"
            + userField
            + "<label>"
            + secretLabel
            + " <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\" required></label>"
            + "<input type=\"hidden\" name=\"next\" value=\""
            + esc(next)
            + "\"><button id=\"login-submit\">Log in</button></form>");
  }
}
