package dev.apium.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

  @Test
  void theDemoRunsBothExamplesAndWritesItsOutputs(@TempDir Path out) throws IOException {
    String url = "memory://" + UUID.randomUUID();
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    Demo.Report report =
        Demo.run(
            new Demo.Options(url, url, 2, 2, 4, 20_000, out, Duration.ofSeconds(60), false),
            new PrintStream(console, true, StandardCharsets.UTF_8));

    assertThat(report.tasks()).isEqualTo(4 * 3 + 1 + 4 + 1);
    assertThat(report.failures())
        .singleElement()
        .asString()
        .startsWith("broken.jpg: ValueError: cannot decode image 'broken.jpg': ");
    assertThat(report.finding()).startsWith("worst hour to fly: ");
    assertThat(report.outputs())
        .containsExactly(
            out.resolve("contact-sheet.png"),
            out.resolve("delays-by-hour.png"),
            out.resolve("delays.csv"),
            out.resolve("delays.json"));
    BufferedImage sheet = ImageIO.read(out.resolve("contact-sheet.png").toFile());
    assertThat(sheet.getWidth()).isGreaterThan(800);
    BufferedImage chart = ImageIO.read(out.resolve("delays-by-hour.png").toFile());
    assertThat(chart.getWidth()).isEqualTo(1000);
    List<String> csv = Files.readAllLines(out.resolve("delays.csv"));
    assertThat(csv.get(0)).isEqualTo("key,group,column,n,sum,mean,stddev,min,max");
    assertThat(csv.get(1)).startsWith("(all),(all),delay,20000,");
    assertThat(csv).anyMatch(line -> line.startsWith("hour,8,delay,"));
    JsonNode json = new ObjectMapper().readTree(out.resolve("delays.json").toFile());
    assertThat(json.get("rows").asLong()).isEqualTo(20_000);
    assertThat(json.get("statistics").get(0).get("histogram")).hasSize(30);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("images", "5/5 pictures", "analysis", "5/5 tasks");
  }

  @Test
  void theDemoInputIsTheSameEveryRun(@TempDir Path a, @TempDir Path b) throws IOException {
    List<Path> first = DemoImages.write(a, 3);
    List<Path> second = DemoImages.write(b, 3);
    assertThat(first).hasSize(4);
    for (int i = 0; i < first.size(); i++) {
      assertThat(Files.readAllBytes(first.get(i))).isEqualTo(Files.readAllBytes(second.get(i)));
    }
    assertThat(Files.readAllBytes(DemoFlights.write(a.resolve("f.json"), 1000)))
        .isEqualTo(Files.readAllBytes(DemoFlights.write(b.resolve("f.json"), 1000)));
  }
}
