package dev.apium.examples.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a synthetic flights table shaped like the public one ({@code [{"delay": minutes,
 * "distance": miles, "time": hour of day}, ...]}): departures peak in the morning and evening,
 * delays grow through the day and have a long tail. Fixed seed: the same table every run.
 * Stateless; called on the client thread.
 */
public final class DemoFlights {
  private DemoFlights() {}

  /** Writes {@code rows} flights as a JSON array to {@code file}. */
  public static Path write(Path file, int rows) {
    Random random = new Random(20_260_101L);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (JsonGenerator json =
          new JsonFactory()
              .createGenerator(file.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
        json.writeStartArray();
        for (int i = 0; i < rows; i++) {
          double hour = departure(random);
          json.writeStartObject();
          json.writeNumberField("delay", delay(random, hour));
          json.writeNumberField("distance", distance(random));
          json.writeNumberField("time", Math.floor(hour * 100) / 100.0);
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write demo table " + file + ": " + e, e);
    }
  }

  /** Hour of departure: a morning and an evening peak, few flights at night. */
  private static double departure(Random random) {
    double hour =
        random.nextDouble() < 0.55
            ? 8.5 + random.nextGaussian() * 2.2
            : 17.5 + random.nextGaussian() * 2.8;
    return ((hour % 24) + 24) % 24;
  }

  /** Minutes late: mostly near zero, later in the day worse, with a long tail of big delays. */
  private static int delay(Random random, double hour) {
    double drift = hour < 5 ? 25 : (hour - 5) * 0.9;
    double base = -4 + drift + random.nextGaussian() * 9;
    double tail = random.nextDouble() < 0.08 + hour / 150 ? -Math.log(random.nextDouble()) * 45 : 0;
    return (int) Math.round(base + tail);
  }

  /** Miles: log-normal between short hops and cross-country flights. */
  private static int distance(Random random) {
    double miles = Math.exp(6.4 + random.nextGaussian() * 0.65);
    return (int) Math.max(70, Math.min(2900, Math.round(miles)));
  }
}
