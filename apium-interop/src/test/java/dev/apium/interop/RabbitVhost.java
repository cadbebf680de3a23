package dev.apium.interop;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A RabbitMQ vhost of the test's own on the shared node, deleted on close. */
final class RabbitVhost implements AutoCloseable {
  final String name = "apium-interop-" + UUID.randomUUID();

  RabbitVhost() throws IOException, InterruptedException {
    ctl("add_vhost", name);
    ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
  }

  String url() {
    return "amqp://guest:guest@127.0.0.1:5672/" + name;
  }

  private static void ctl(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "rabbitmqctl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    ctl("delete_vhost", name);
  }
}
