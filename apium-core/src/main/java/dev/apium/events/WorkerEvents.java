package dev.apium.events;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of Celery's worker events ({@code worker-online}, {@code worker-heartbeat}, {@code
 * worker-offline}): {@code freq, active, processed, loadavg, sw_ident, sw_ver, sw_sys}. Apium
 * identifies itself as {@code sw_ident "apium"} with its version. Stateless; any thread.
 */
public final class WorkerEvents {
  /** Seconds between heartbeats, as Celery's default. */
  public static final double FREQ = 2.0;

  public static final String SW_IDENT = "apium";

  private WorkerEvents() {}

  /** The fields of a worker event given the tasks running now and finished since start. */
  public static Map<String, Object> fields(double freq, int active, long processed) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("freq", freq);
    f.put("active", active);
    f.put("processed", processed);
    f.put("loadavg", loadavg());
    f.putAll(software());
    return f;
  }

  /** {@code sw_ident, sw_ver, sw_sys}. */
  public static Map<String, Object> software() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sw_ident", SW_IDENT);
    f.put("sw_ver", version());
    f.put("sw_sys", System.getProperty("os.name"));
    return f;
  }

  /** Apium's version from the jar manifest, or {@code "dev"} when run from classes. */
  public static String version() {
    String v = WorkerEvents.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The 1, 5 and 15 minute load averages rounded to 2 decimals, as Celery's. */
  public static List<Double> loadavg() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return List.of(round(parts[0]), round(parts[1]), round(parts[2]));
    } catch (IOException | RuntimeException e) {
      double one = Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      double r = Math.round(one * 100) / 100.0;
      return List.of(r, r, r);
    }
  }

  private static double round(String value) {
    return Math.round(Double.parseDouble(value) * 100) / 100.0;
  }
}
