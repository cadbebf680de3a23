package dev.apium.jdbc;

import dev.apium.Apium;
import dev.apium.testing.StopDuringOutage;
import dev.apium.testing.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its PostgreSQL cannot be reached (the shared server behind a {@link
 * TcpProxy} that drops every connection) stops within seconds instead of waiting a connection
 * timeout per prefetched message: they stay claimed by it, and once the database is back the next
 * worker's liveness reaper returns them and every task runs.
 */
class PostgresStopWhileDownIT {
  private static final String SCHEMA = PgTestSchema.fresh("stopdown");

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Test
  void aWarmStopWhileTheDatabaseIsUnreachableIsQuickAndLosesNothing() throws Exception {
    stopDuring(TcpProxy::cut, TcpProxy::restore);
  }

  /**
   * A hung database (the proxy forwards nothing, connections stay open): a query the stop sends
   * would wait for an answer that does not come, but for {@code jdbc_socket_timeout}.
   */
  @Test
  void aWarmStopWhileTheDatabaseHangsIsQuickAndLosesNothing() throws Exception {
    stopDuring(TcpProxy::pause, TcpProxy::resume);
  }

  /** What a test does to the proxy in front of the database. */
  private interface ProxyStep {
    void run(TcpProxy proxy) throws Exception;
  }

  private static void stopDuring(ProxyStep outage, ProxyStep recovery) throws Exception {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5432)) {
      String viaProxy = "postgresql://postgres@127.0.0.1:" + proxy.port() + "/test";
      StopDuringOutage.check(
          () -> app(viaProxy),
          first -> outage.run(proxy),
          first -> recovery.run(proxy),
          () -> app(PgTestSchema.URL));
    }
  }

  private static Apium app(String url) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(url)
        .backend(url)
        .config("jdbc_schema", SCHEMA)
        .config("worker_lost_timeout", "2")
        .config("jdbc_socket_timeout", "2")
        .build();
  }
}
