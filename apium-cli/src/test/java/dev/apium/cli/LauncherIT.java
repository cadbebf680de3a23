package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./apium} launcher, run on a copy of the built CLI (the script, {@code
 * apium-cli.jar} and {@code lib/} in a temporary root without sources, so it never rebuilds): the
 * first start trains a class-data archive that later starts map, an archive that no longer matches
 * the class path is ignored without a word, {@code APIUM_CDS=off} skips it, the launcher's JVM
 * flags come before {@code APIUM_JAVA_OPTS} so the user's win; on a JDK with AOT caches (25+) the
 * same training makes an AOT cache instead. Runs in the verify phase, after the jar is packaged;
 * the JVM is this test's ({@code JAVA_HOME}), the AOT tests' a JDK 25.
 */
class LauncherIT {
  @TempDir Path root;
  private Path jar;

  @BeforeEach
  void copyTheBuiltCli() throws IOException {
    Path repo = Path.of("").toAbsolutePath().getParent();
    Path target = Files.createDirectories(root.resolve("apium-cli/target"));
    Files.copy(repo.resolve("apium"), root.resolve("apium"), StandardCopyOption.COPY_ATTRIBUTES);
    jar = Files.copy(Path.of("target/apium-cli.jar"), target.resolve("apium-cli.jar"));
    Path lib = Files.createDirectories(target.resolve("lib"));
    try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
      for (Path dependency : (Iterable<Path>) jars::iterator) {
        Files.copy(dependency, lib.resolve(dependency.getFileName()));
      }
    }
  }

  private record Run(int exit, String out, String err) {}

  /**
   * {@code apium -V} with the user's {@code javaOpts} and {@code -XX:+PrintFlagsFinal} (no
   * class-data archive), which must succeed: the JVM's final flags are in its output.
   */
  private Run finalFlags(String javaOpts) throws Exception {
    Run run =
        apium(
            Map.of(
                "APIUM_CDS",
                "off",
                "APIUM_JAVA_OPTS",
                (javaOpts + " -XX:+PrintFlagsFinal").strip()),
            "-V");
    assertThat(run.exit()).as(run.err()).isZero();
    return run;
  }

  private Run apium(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("apium").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("APIUM_JAVA_OPTS");
    builder.environment().remove("APIUM_CDS");
    builder.environment().remove("CLASSPATH");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // The training's Redis part (seconds per training) only where a test asks for it.
    builder.environment().put(TrainingRedis.SWITCH, "off");
    builder.environment().putAll(env);
    Path out = root.resolve("out.txt");
    Path err = root.resolve("err.txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private List<Path> archives() throws IOException {
    return archives(".jsa");
  }

  private List<Path> archives(String suffix) throws IOException {
    Path dir = root.resolve("apium-cli/target/cds");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(suffix)).toList();
    }
  }

  /**
   * A JDK with AOT caches (25+): {@code APIUM_AOT_JAVA_HOME}, else the Temurin 25 this machine kind
   * has; the AOT tests are skipped where there is none.
   */
  private static Path aotJavaHome() {
    String home = System.getenv("APIUM_AOT_JAVA_HOME");
    Path path = Path.of(home != null ? home : "/usr/lib/jvm/temurin-25-jdk-amd64");
    assumeTrue(Files.isExecutable(path.resolve("bin/java")), "no JDK 25+ at " + path);
    return path;
  }

  /** With redis-server installed (here and in CI) the training also runs over Redis. */
  @Test
  void onAJdkWithAotCachesTheFirstStartTrainsACacheThatLaterStartsUse() throws Exception {
    Map<String, String> jdk25 =
        Map.of("JAVA_HOME", aotJavaHome().toString(), TrainingRedis.SWITCH, "on");
    assertTheFirstStartTrainsWhatTheNextUses(jdk25, "-XX:AOTMode=on", "shared objects file");
    assertThat(archives(".aot")).hasSize(1);
    assertThat(archives(".jsa")).isEmpty();
    Path log =
        archives(".aot").get(0).resolveSibling(archives(".aot").get(0).getFileName() + ".log");
    assertThat(Files.readString(log))
        .contains("the Redis transport trained on a private redis-server");
  }

  /** The JDK does not check lib/'s jars against an AOT cache, so the launcher does. */
  @Test
  void aChangedDependencyRemakesTheAotCache() throws Exception {
    Map<String, String> jdk25 = Map.of("JAVA_HOME", aotJavaHome().toString());
    assertThat(apium(jdk25, "--version").exit()).isZero();
    Path cache = archives(".aot").get(0);
    FileTime before = Files.getLastModifiedTime(cache);
    Files.setLastModifiedTime(lettuceJar(), FileTime.from(before.toInstant().plusSeconds(5)));
    Run run = apium(jdk25, "--version");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("preparing the class-data archive");
    assertThat(Files.getLastModifiedTime(cache)).isGreaterThan(before);

    Run next = apium(jdk25, "--version");
    assertThat(next.err()).as("the remade cache matches").isEmpty();
  }

  /**
   * The first start with {@code env} trains (and says so); a second one, with {@code strictFlags}
   * that fail a start whose archive cannot be used (the user's flags come last), loads the CLI from
   * it without a word.
   */
  private void assertTheFirstStartTrainsWhatTheNextUses(
      Map<String, String> env, String strictFlags, String source) throws Exception {
    Run first = apium(env, "--version");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).startsWith("apium ");
    assertThat(first.err()).contains("preparing the class-data archive");

    Map<String, String> strict = new HashMap<>(env);
    strict.put("APIUM_JAVA_OPTS", strictFlags + " -Xlog:class+load=info");
    Run second = apium(strict, "--version");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out())
        .contains("dev.apium.cli.ApiumCommand source: " + source)
        .doesNotContain("preparing the class-data archive");
    assertThat(second.err()).isEmpty();
  }

  private Path lettuceJar() throws IOException {
    try (Stream<Path> jars = Files.list(root.resolve("apium-cli/target/lib"))) {
      return jars.filter(j -> j.getFileName().toString().startsWith("lettuce")).findFirst().get();
    }
  }

  @Test
  void firstStartTrainsAnArchiveThatLaterStartsMap() throws Exception {
    assertTheFirstStartTrainsWhatTheNextUses(Map.of(), "-Xshare:on", "shared objects file (top)");
    assertThat(archives()).hasSize(1);
  }

  @Test
  void anArchiveThatNoLongerMatchesTheClassPathIsIgnoredSilently() throws Exception {
    assertThat(apium(Map.of(), "--version").exit()).isZero();
    Path archive = archives().get(0);
    // A dependency changed after the archive was made (the jar did not): the JVM refuses it.
    Files.setLastModifiedTime(lettuceJar(), FileTime.from(Instant.now().plusSeconds(5)));
    Run run = apium(Map.of("APIUM_JAVA_OPTS", "-Xlog:class+load=info"), "--version");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .contains("apium ")
        .doesNotContain("shared objects file (top)")
        .contains("dev.apium.cli.ApiumCommand source: file:");
    assertThat(archives()).containsExactly(archive);
  }

  @Test
  void apiumCdsOffSkipsTheArchive() throws Exception {
    Run run = apium(Map.of("APIUM_CDS", "off"), "--version");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(archives()).isEmpty();
  }

  @Test
  void theLaunchersJvmFlagsComeFirstSoTheUsersWin() throws Exception {
    Run shipped = finalFlags("");
    assertThat(shipped.out()).containsPattern("TrimNativeHeapInterval += 2000 ");
    assertThat(shipped.out()).containsPattern("G1PeriodicGCInterval += 30000 ");

    Run overridden = finalFlags("-XX:TrimNativeHeapInterval=0");
    assertThat(overridden.out()).containsPattern("TrimNativeHeapInterval += 0 ");
  }

  /**
   * The launcher starts the heap at 64 MB, unless the user sizes the heap: a maximum below 64 MB
   * must not clash with it.
   */
  @Test
  void theFirstHeapIs64MbUnlessTheUserSizesTheHeap() throws Exception {
    Run shipped = finalFlags("");
    assertThat(shipped.out()).containsPattern("InitialHeapSize += 67108864 ");

    Run small = finalFlags("-Xmx32m");
    assertThat(small.out())
        .containsPattern("MaxHeapSize += 33554432 ")
        .doesNotContainPattern("InitialHeapSize += 67108864 ");
  }

  /**
   * The CLI keeps Lettuce from registering its JFR events (JFR's classes and generated handlers on
   * every start) unless the user asks for them.
   */
  @Test
  void lettucesJfrEventsStayOffUnlessAskedFor() throws Exception {
    String[] status = {"status", "-b", "redis://127.0.0.1:6379/15", "--timeout", "0.5"};
    Run off = apium(Map.of("APIUM_CDS", "off", "APIUM_JAVA_OPTS", "-Xlog:class+load=info"), status);
    assertThat(off.out())
        .contains("io.lettuce.core.RedisClient ")
        .doesNotContain(
            "io.lettuce.core.event.jfr.JfrEventRecorder ", "jdk.jfr.internal.MetadataRepository ");

    Run asked =
        apium(
            Map.of(
                "APIUM_CDS",
                "off",
                "APIUM_JAVA_OPTS",
                "-Dio.lettuce.core.jfr=true -Xlog:class+load=info"),
            status);
    assertThat(asked.out())
        .contains(
            "io.lettuce.core.event.jfr.JfrEventRecorder ", "jdk.jfr.internal.MetadataRepository ");
  }

  @Test
  void aRebuiltJarGetsANewArchive() throws Exception {
    assertThat(apium(Map.of(), "--version").exit()).isZero();
    Path archive = archives().get(0);
    FileTime before = Files.getLastModifiedTime(archive);
    Files.setLastModifiedTime(jar, FileTime.from(before.toInstant().plusSeconds(5)));
    Run run = apium(Map.of(), "--version");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("preparing the class-data archive");
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(before);
  }
}
