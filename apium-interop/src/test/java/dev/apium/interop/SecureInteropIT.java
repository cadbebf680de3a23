package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message signing with Celery 5.2.6's {@code auth} serializer ({@code app.setup_security()}) on
 * Redis db 4, both directions: Python-signed tasks run on an Apium worker, Apium-signed tasks run
 * on a Python worker; unsigned, tampered and stranger-signed messages are dead-lettered with the
 * reason and never run. Keys and certificates are throwaway ones made with {@code openssl} per run.
 */
class SecureInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/4";
  @TempDir static Path keys;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> redis;
  private final String queue = "secure-" + UUID.randomUUID();
  private Apium app;
  private PythonCelery python;

  @BeforeAll
  static void material() throws Exception {
    assertThat(PythonCelery.available()).as("Debian python3-celery must be installed").isTrue();
    Files.createDirectories(keys.resolve("store"));
    for (String name : List.of("java", "python", "stranger")) {
      openssl(
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-keyout",
          keys.resolve(name + ".key").toString(),
          "-out",
          keys.resolve(name + ".pem").toString(),
          "-subj",
          "/O=Apium Tests/CN=" + name + "-signer");
    }
    Files.copy(keys.resolve("java.pem"), keys.resolve("store/java.pem"));
    Files.copy(keys.resolve("python.pem"), keys.resolve("store/python.pem"));
    client = RedisClient.create(REDIS);
    redis = client.connect();
  }

  @AfterAll
  static void closeRedis() {
    redis.close();
    client.shutdown();
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
  }

  private Apium signingApp(String signer) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(REDIS)
        .backend(REDIS)
        .config("task_default_queue", queue)
        .config("task_serializer", "auth")
        .config("accept_content", "auth")
        .config("security_key", keys.resolve(signer + ".key"))
        .config("security_certificate", keys.resolve(signer + ".pem"))
        .config("security_cert_store", keys.resolve("store") + "/*.pem")
        .build();
  }

  private PythonCelery python(String signer) {
    return new PythonCelery(REDIS, REDIS, queue)
        .env("INTEROP_SECURITY_KEY", keys.resolve(signer + ".key").toString())
        .env("INTEROP_SECURITY_CERT", keys.resolve(signer + ".pem").toString())
        .env("INTEROP_SECURITY_STORE", keys.resolve("store") + "/*.pem");
  }

  @AfterEach
  void stop() {
    if (python != null) {
      python.close();
    }
    if (app != null) {
      app.close();
    }
  }

  /** The dead-letter reason recorded for the task id, once there is one. */
  private String deadReason(String taskId) {
    for (String record : redis.sync().lrange("apium.dead", 0, -1)) {
      JsonNode node = CeleryJson.parse(record);
      if (node.get("raw").asText().contains(taskId)) {
        return node.get("reason").asText();
      }
    }
    return null;
  }

  @Test
  void pythonSignedTasksRunOnAnApiumWorker() throws Exception {
    app = signingApp("java");
    app.register("interop.add", Integer.class, Integer.class, Integer::sum);
    python = python("python");
    try (Worker worker = app.worker().queues(queue).start()) {
      JsonNode out =
          python.run(
              """
              r = t.add.apply_async((2, 3), queue='%s')
              out = {'result': r.get(timeout=20)}
              """
                  .formatted(queue));
      assertThat(out.get("result").asInt()).isEqualTo(5);
    }
  }

  @Test
  void apiumSignedTasksRunOnAPythonWorker() throws Exception {
    app = signingApp("java");
    python = python("python");
    python.startWorker("secure-" + UUID.randomUUID() + "@%h", 1, queue);
    assertThat(app.send("interop.add", 20, 22).get(Duration.ofSeconds(20))).isEqualTo(42);
  }

  @Test
  void unsignedTamperedAndStrangerMessagesAreRefusedAndNothingRuns() throws Exception {
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    String unsigned;
    String stranger;
    String tampered;
    try (Apium plain =
            Apium.builder()
                .withoutEnvironment()
                .broker(REDIS)
                .backend(REDIS)
                .config("task_default_queue", queue)
                .build();
        Apium strangerApp = signingApp("stranger");
        Apium signer = signingApp("java")) {
      unsigned = plain.send("interop.add", 1, 1).id();
      stranger = strangerApp.send("interop.add", 1, 2).id();
      tampered = signer.send("interop.add", 1, 3).id();
    }
    tamper(tampered);
    app = signingApp("java");
    app.register(
        "interop.add",
        Integer.class,
        Integer.class,
        (a, b) -> {
          ran.incrementAndGet();
          return a + b;
        });
    try (Worker worker = app.worker().queues(queue).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> deadReason(tampered) != null);
      await().atMost(Duration.ofSeconds(5)).until(() -> deadReason(stranger) != null);
      await().atMost(Duration.ofSeconds(5)).until(() -> deadReason(unsigned) != null);
      assertThat(deadReason(unsigned)).contains("unsigned message").contains("accept_content");
      assertThat(deadReason(stranger))
          .contains("unknown certificate 'Apium Tests stranger-signer ");
      assertThat(deadReason(tampered)).contains("bad signature");
      String ok = app.send("interop.add", 5, 5).id();
      assertThat(app.result(ok).get(Duration.ofSeconds(20))).isEqualTo(10);
      assertThat(ran).hasValue(1);
      assertThat(app.result(unsigned).state()).isEqualTo("PENDING");
    }
  }

  /** Rewrites the args inside the signed body of the queued task, keeping the signature. */
  private void tamper(String taskId) {
    List<String> queued = redis.sync().lrange(queue, 0, -1);
    for (int i = 0; i < queued.size(); i++) {
      if (queued.get(i).contains(taskId)) {
        com.fasterxml.jackson.databind.node.ObjectNode envelope =
            (com.fasterxml.jackson.databind.node.ObjectNode) CeleryJson.parse(queued.get(i));
        String payload =
            new String(
                Base64.getDecoder().decode(envelope.get("body").asText()), StandardCharsets.UTF_8);
        String raw =
            new String(Base64.getDecoder().decode(payload), StandardCharsets.ISO_8859_1)
                .replace("[1, 3]", "[1, 300]")
                .replace("[1,3]", "[1,300]");
        String forged =
            Base64.getEncoder()
                .encodeToString(
                    Base64.getEncoder().encode(raw.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(forged).isNotEqualTo(envelope.get("body").asText());
        envelope.put("body", forged);
        redis.sync().lset(queue, i, CeleryJson.write(envelope));
        return;
      }
    }
    throw new AssertionError("task " + taskId + " not queued in " + queue);
  }
}
