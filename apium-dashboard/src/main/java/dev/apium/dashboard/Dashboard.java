package dev.apium.dashboard;

import dev.apium.Apium;
import dev.apium.beat.BeatEntry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Apium's web dashboard: watches a mixed fleet of Celery and Apium workers through their events and
 * remote control and serves pages, a JSON API under {@code /api}, server-sent live updates ({@code
 * /api/stream}) and Prometheus {@code /metrics}. {@link #start} begins receiving events and
 * listening; {@link #close} stops both (the app stays the caller's). Started and closed by one
 * thread; requests are served on Javalin's threads.
 */
public final class Dashboard implements AutoCloseable {
  private final FleetState state;
  private final EventReceiver receiver;
  private final LiveUpdates live;
  private final Javalin server;

  private Dashboard(
      Apium app,
      DashboardSettings settings,
      List<String> queues,
      String beatName,
      List<BeatEntry> beat) {
    state = new FleetState(settings.historySize());
    live = new LiveUpdates(state);
    Auth auth = new Auth(settings);
    TaskRetry retry = new TaskRetry(app);
    Api api = new Api(app, state, auth, queues, retry);
    DeadLetterPages dead = new DeadLetterPages(app, auth, queues);
    BeatView beatView = new BeatView(app, beatName, beat);
    Pages pages = new Pages(state, api, auth, dead, beatView, retry);
    Metrics metrics = new Metrics(state);
    server =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.routes.exception(
                  IllegalArgumentException.class, (e, ctx) -> Api.error(ctx, 400, e.getMessage()));
              api.routes(config.routes);
              dead.routes(config.routes);
              beatView.routes(config.routes);
              pages.routes(config.routes);
              config.routes.get("/metrics", metrics::serve);
              config.routes.sse("/api/stream", live::add);
              config.routes.get("/static/{file}", Dashboard::asset);
              config.routes.get("/login", ctx -> ctx.html(LoginPage.form(auth, null, next(ctx))));
              config.routes.post("/login", ctx -> login(ctx, auth));
              config.routes.post(
                  "/logout",
                  ctx -> {
                    auth.logout(ctx.cookie(Auth.COOKIE));
                    ctx.removeCookie(Auth.COOKIE, "/");
                    ctx.redirect("/");
                  });
            });
    receiver = new EventReceiver(app, state);
    try {
      server.start(settings.host(), settings.port());
    } catch (RuntimeException e) {
      receiver.close();
      live.close();
      throw new IllegalStateException(
          "dashboard cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " ("
              + e.getMessage()
              + "): pick another --port",
          e);
    }
  }

  /** Starts watching the app's broker and serving on the settings' address. */
  public static Dashboard start(Apium app, DashboardSettings settings) {
    return start(app, settings, List.of());
  }

  /**
   * As {@link #start(Apium, DashboardSettings)}, also showing the depth of {@code queues} (besides
   * those the workers report consuming).
   */
  public static Dashboard start(Apium app, DashboardSettings settings, List<String> queues) {
    return new Dashboard(app, settings, List.copyOf(queues), null, List.of());
  }

  /**
   * As {@link #start(Apium, DashboardSettings, List)}, also showing a beat schedule: its entries,
   * their last and next runs and the current leader of the beat named {@code beatName} (null: the
   * app's name, as {@code apium beat} uses).
   */
  public static Dashboard start(
      Apium app,
      DashboardSettings settings,
      List<String> queues,
      String beatName,
      List<BeatEntry> beatEntries) {
    return new Dashboard(app, settings, List.copyOf(queues), beatName, beatEntries);
  }

  /** The port it listens on (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** What the dashboard knows, for tests and embedding. */
  public FleetState state() {
    return state;
  }

  private static String next(Context ctx) {
    String next = ctx.queryParam("next");
    return next != null && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  }

  private static void login(Context ctx, Auth auth) {
    String session = auth.login(ctx.formParam("user"), ctx.formParam("password"));
    String next = ctx.formParam("next");
    next = next != null && next.startsWith("/") && !next.startsWith("//") ? next : "/";
    if (session == null) {
      ctx.status(401).html(LoginPage.form(auth, "Wrong credentials, or actions are off.", next));
      return;
    }
    Cookie cookie = new Cookie(Auth.COOKIE, session);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setPath("/");
    ctx.cookie(cookie);
    ctx.redirect(next);
  }

  private static void asset(Context ctx) {
    String file = ctx.pathParam("file");
    if (!file.equals("dashboard.js") && !file.equals("dashboard.css")) {
      ctx.status(404).result("no such file");
      return;
    }
    try (InputStream in = Dashboard.class.getResourceAsStream(file)) {
      ctx.contentType(file.endsWith(".js") ? "text/javascript" : "text/css")
          .header("Cache-Control", "max-age=300")
          .result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    receiver.close();
    live.close();
    server.stop();
  }
}
