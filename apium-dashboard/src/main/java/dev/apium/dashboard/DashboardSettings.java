package dev.apium.dashboard;

/**
 * How a {@link Dashboard} runs: the address it listens on, the credentials that allow actions
 * ({@code user:password} for basic auth and the login form, or a bare token for {@code
 * Authorization: Bearer} and the login form; null means no action is allowed), read-only mode, and
 * how many tasks it keeps in memory. Immutable; made once on the thread that starts the dashboard.
 *
 * @param host address to bind (e.g. 127.0.0.1 or 0.0.0.0)
 * @param port TCP port; 0 picks a free one
 * @param auth {@code user:password}, a token, or null
 * @param readOnly when true, every action is refused even with credentials
 * @param historySize tasks kept in memory, oldest dropped first
 */
public record DashboardSettings(
    String host, int port, String auth, boolean readOnly, int historySize) {
  public static final int DEFAULT_PORT = 5555;
  public static final int DEFAULT_HISTORY = 10_000;

  public DashboardSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "dashboard port " + port + ": use 0..65535 (0 = any free)");
    }
    if (historySize < 1) {
      throw new IllegalArgumentException(
          "dashboard history size " + historySize + ": must be at least 1 task");
    }
    if (auth != null && (auth.isBlank() || auth.startsWith(":") || auth.endsWith(":"))) {
      throw new IllegalArgumentException(
          "dashboard auth '"
              + auth
              + "': give user:password (basic auth) or a token, e.g. --auth admin:s3cret");
    }
  }

  /** Listens on 127.0.0.1:5555, no credentials (so no actions), 10,000 tasks kept. */
  public static DashboardSettings defaults() {
    return new DashboardSettings("127.0.0.1", DEFAULT_PORT, null, false, DEFAULT_HISTORY);
  }

  public DashboardSettings withPort(int value) {
    return new DashboardSettings(host, value, auth, readOnly, historySize);
  }

  public DashboardSettings withHost(String value) {
    return new DashboardSettings(value, port, auth, readOnly, historySize);
  }

  public DashboardSettings withAuth(String value) {
    return new DashboardSettings(host, port, value, readOnly, historySize);
  }

  public DashboardSettings withReadOnly(boolean value) {
    return new DashboardSettings(host, port, auth, value, historySize);
  }

  public DashboardSettings withHistorySize(int value) {
    return new DashboardSettings(host, port, auth, readOnly, value);
  }
}
