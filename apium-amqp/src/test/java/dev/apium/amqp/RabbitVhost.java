package dev.apium.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway virtual host on the shared RabbitMQ at 127.0.0.1:5672, created and deleted with
 * {@code rabbitmqctl} so that each test class is isolated from every other test on the machine.
 * Used from the test thread only; {@link #close()} deletes the vhost and everything in it.
 */
final class RabbitVhost implements AutoCloseable {
  private final String name;

  RabbitVhost(String prefix) {
    this.name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    ctl("add_vhost", name);
    ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
  }

  String name() {
    return name;
  }

  /** {@code amqp://guest:guest@127.0.0.1:5672/<vhost>}. */
  String url() {
    return "amqp://guest:guest@127.0.0.1:5672/" + name;
  }

  /** Lines of {@code rabbitmqctl list_queues -p <vhost> <columns>} (tab-separated, no header). */
  List<String> listQueues(String... columns) {
    List<String> args =
        new ArrayList<>(List.of("list_queues", "-q", "--no-table-headers", "-p", name));
    args.addAll(Arrays.asList(columns));
    return Arrays.stream(ctl(args.toArray(String[]::new)).split("\n"))
        .filter(line -> !line.isBlank())
        .toList();
  }

  /** The {@code list_queues} line of one queue, or null. */
  String queueLine(String queue, String... columns) {
    String[] withName = new String[columns.length + 1];
    withName[0] = "name";
    System.arraycopy(columns, 0, withName, 1, columns.length);
    return listQueues(withName).stream()
        .filter(line -> line.startsWith(queue + "\t"))
        .findFirst()
        .orElse(null);
  }

  static String ctl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    command.addAll(Arrays.asList(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  @Override
  public void close() {
    ctl("delete_vhost", name);
  }
}
