package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The class-data training's own redis-server (this machine and CI have redis-server installed, as
 * bin/test ensures): it answers on the port its URL names, and is gone once closed.
 */
class TrainingRedisTest {
  @Test
  void startsAPrivateServerThatAnswersAndStopsIt() throws IOException {
    Optional<TrainingRedis> started = TrainingRedis.start();
    assertThat(started).as("redis-server is on the PATH here").isPresent();
    TrainingRedis redis = started.get();
    URI url = URI.create(redis.url(0));
    try {
      assertThat(url.getPort()).isNotEqualTo(6379);
      assertThat(ping(url.getPort())).isEqualTo("+PONG");
    } finally {
      redis.close();
    }
    assertThat(redis.running()).isFalse();
  }

  private static String ping(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
        reply.append((char) b);
      }
      return reply.toString();
    }
  }
}
