package dev.apium.examples.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apium.examples.Progress;
import dev.apium.examples.TestData;
import dev.apium.examples.Workers;
import dev.apium.examples.demo.DemoFlights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chord over generated tables (fixed seeds) gives the same answer as a plain single-threaded
 * computation: exactly for counts, integer sums, min/max and histograms; within 1e-9 relative for
 * means and variances (and sums of fractional values, whose rounding depends on the order of
 * additions).
 */
class AnalysisTest {
  static final Query FLIGHTS =
      new Query(
          List.of(new Query.Measure("delay", -60, 240, 60)),
          List.of(
              new Query.Key("hour", "time", "floor"),
              new Query.Key("distance band", "distance", "band:500")));
  static final Query WEATHER =
      new Query(
          List.of(
              new Query.Measure("temp_max", -10, 40, 50),
              new Query.Measure("precipitation", 0, 60, 30)),
          List.of(
              new Query.Key("weather", "weather", "value"), new Query.Key("year", "date", "year")));

  static Workers workers;

  @BeforeAll
  static void start() {
    workers = new Workers(2);
  }

  @AfterAll
  static void stop() {
    workers.close();
  }

  @Test
  void delaysByHourAndDistanceBandMatchASingleThreadedComputation(@TempDir Path dir)
      throws IOException {
    Path table = DemoFlights.write(dir.resolve("flights.json"), 40_000);
    AtomicInteger steps = new AtomicInteger();
    Summary answer =
        new Analysis(workers.app, FLIGHTS, 5_000)
            .run(table, Duration.ofSeconds(60), counting(steps));

    assertThat(answer.rows()).isEqualTo(40_000);
    assertThat(steps).hasValue(9); // 8 chunks + the merge
    assertThat(answer.groups().get("hour")).hasSizeBetween(20, 24);
    assertThat(answer.groups().get("hour").keySet()).first().isEqualTo("0");
    assertMatches(answer, Reference.compute(Tables.read(table), FLIGHTS), true);

    Path chart = Path.of("target", "flights-delay-by-hour.png"); // kept to look at
    SummaryChart.write(answer, "hour", "delay", "minutes", chart);
    assertThat(ImageIO.read(chart.toFile()).getWidth()).isEqualTo(1000);
  }

  @Test
  void weatherByTypeAndYearFromCsvMatchesASingleThreadedComputation(@TempDir Path dir)
      throws IOException {
    Path table = TestData.weatherCsv(dir.resolve("weather.csv"));
    Summary answer =
        new Analysis(workers.app, WEATHER, 100).run(table, Duration.ofSeconds(30), Progress.NONE);

    assertThat(answer.rows()).isEqualTo(1461);
    assertThat(answer.groups().get("year").keySet())
        .containsExactly("2012", "2013", "2014", "2015");
    assertThat(answer.groups().get("weather").keySet())
        .containsExactlyInAnyOrder("drizzle", "fog", "rain", "snow", "sun");
    assertMatches(answer, Reference.compute(Tables.read(table), WEATHER), false);

    Path csv = Path.of("target", "weather.csv");
    SummaryFiles.writeCsv(answer, csv);
    assertThat(Files.readAllLines(csv))
        .hasSize(1 + 2 + (5 + 4) * 2)
        .contains("key,group,column,n,sum,mean,stddev,min,max")
        .anyMatch(line -> line.startsWith("year,2015,temp_max,365,"));
    Path json = Path.of("target", "weather.json");
    SummaryFiles.writeJson(answer, json);
    assertThat(new ObjectMapper().readTree(json.toFile()).get("statistics")).hasSize(2 + 18);
    SummaryChart.write(
        answer, "weather", "temp_max", "°C", Path.of("target", "weather-temp-by-type.png"));
  }

  @Test
  void byReferenceEachWorkerReadsItsOwnSliceAndTheAnswerIsTheSame(@TempDir Path dir)
      throws IOException {
    Path csv = TestData.weatherCsv(dir.resolve("weather.csv"));
    Summary fromCsv =
        new Analysis(workers.app, WEATHER, 97)
            .byReference(true)
            .chunkBytes(997) // dozens of windows, most rows straddling none, some an edge
            .window(3)
            .run(csv, Duration.ofSeconds(30), Progress.NONE);
    assertThat(fromCsv.rows()).isEqualTo(1461);
    assertMatches(fromCsv, Reference.compute(Tables.read(csv), WEATHER), false);

    Path array = DemoFlights.write(dir.resolve("flights.json"), 12_345);
    Path lines = dir.resolve("flights.jsonl");
    ObjectMapper json = new ObjectMapper();
    List<String> asLines = new java.util.ArrayList<>();
    for (Map<String, Object> row : Tables.read(array)) {
      asLines.add(json.writeValueAsString(row));
    }
    Files.write(lines, asLines);
    Map<String, Reference> expected = Reference.compute(Tables.read(array), FLIGHTS);
    for (Path table : List.of(array, lines)) {
      Summary answer =
          new Analysis(workers.app, FLIGHTS, 1_000)
              .byReference(true)
              .chunkBytes(50_000)
              .run(table, Duration.ofSeconds(30), Progress.NONE);
      assertThat(answer.rows()).as(table.toString()).isEqualTo(12_345);
      assertMatches(answer, expected, true);
    }
  }

  @Test
  void aCorruptRowFailsOnlyItsOwnChunkNamingItsFileAndLine(@TempDir Path dir) throws IOException {
    Path csv = TestData.weatherCsv(dir.resolve("weather.csv"));
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
    lines.set(249, "2012-09-06,0.0,warm,11.1,3.2,sun"); // line 250 of the file
    Files.write(csv, lines);
    AtomicInteger finished = new AtomicInteger();

    int windows = (int) ((Files.size(csv) + 4_999) / 5_000);
    for (boolean byReference : List.of(false, true)) {
      finished.set(0);
      int chunks = byReference ? windows : 15;
      Analysis analysis =
          new Analysis(workers.app, WEATHER, 100).byReference(byReference).chunkBytes(5_000);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> analysis.run(csv, Duration.ofSeconds(30), counting(finished)))
          .hasMessageContaining("weather.csv line 250: column 'temp_max' holds 'warm'")
          .hasMessageContaining("ValueError");
      // The progress callbacks of the other chunks may land just after run() has thrown.
      org.awaitility.Awaitility.await("every chunk ran, the bad one failed alone")
          .atMost(Duration.ofSeconds(10))
          .until(() -> finished.get() >= chunks);
      assertThat(finished).as("every chunk ran, the bad one failed alone").hasValue(chunks);
    }
  }

  @Test
  void byReferenceChunksAreEightMibOrSmallerSoSmallTablesStillMakeSixteen(@TempDir Path dir)
      throws IOException {
    long mib = 1L << 20;
    Map<Long, Long> expected = Map.of(100L, mib, 40 * mib, 40 * mib / 16, 2048 * mib, 8 * mib);
    for (Map.Entry<Long, Long> e : expected.entrySet()) {
      Path table = dir.resolve(e.getKey() + ".json");
      try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(table.toFile(), "rw")) {
        file.setLength(e.getKey()); // sparse: only the size matters
      }
      assertThat(Analysis.chunkBytes(table, Analysis.AUTO_CHUNK_BYTES))
          .as("%d bytes", e.getKey())
          .isEqualTo(e.getValue());
      assertThat(Analysis.chunkBytes(table, 12_345)).isEqualTo(12_345);
    }
  }

  static void assertMatches(Summary answer, Map<String, Reference> expected, boolean ints) {
    Map<String, Stats> actual = new HashMap<>();
    answer.overall().forEach((column, s) -> actual.put("(all)/(all)/" + column, s));
    answer
        .groups()
        .forEach(
            (key, groups) ->
                groups.forEach(
                    (group, columns) ->
                        columns.forEach((c, s) -> actual.put(key + "/" + group + "/" + c, s))));
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (cell, ref) -> {
          Stats s = actual.get(cell);
          assertThat(s.n()).as(cell).isEqualTo(ref.n);
          assertThat(s.min()).as(cell).isEqualTo(ref.min);
          assertThat(s.max()).as(cell).isEqualTo(ref.max);
          assertThat(s.histogram()).as(cell).containsExactly(ref.histogram);
          if (ints) {
            assertThat(s.sum()).as(cell).isEqualTo(ref.sum);
          } else {
            assertThat(s.sum()).as(cell).isCloseTo(ref.sum, within(1e-9 * Math.abs(ref.sum)));
          }
          assertThat(s.mean()).as(cell).isCloseTo(ref.mean, within(1e-9 * Math.abs(ref.mean)));
          assertThat(s.variance())
              .as(cell)
              .isCloseTo(ref.variance, within(1e-9 * Math.abs(ref.variance)));
        });
  }

  private static Progress counting(AtomicInteger steps) {
    return new Progress() {
      @Override
      public void total(long tasks) {}

      @Override
      public void step() {
        steps.incrementAndGet();
      }
    };
  }
}
