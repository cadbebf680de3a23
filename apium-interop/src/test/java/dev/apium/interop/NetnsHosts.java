package dev.apium.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of a test's own, made of Linux network namespaces: one bridge in the root namespace ({@code
 * 10.A.B.1/24}, random A and B, so parallel runs do not collide) and, per host, a namespace joined
 * to it by a veth pair ({@code 10.A.B.10}, {@code .11}, ...). The test JVM reaches every host
 * through the bridge. {@link #cut} and {@link #restore} take a host's link down and up (its TCP
 * connections stall, as when a cable is pulled); {@link #exec} starts a process inside a host.
 * {@link #close()} kills those processes and deletes the namespaces and the bridge, also from a
 * shutdown hook. Needs root ({@link #unavailable()} says why not). Driven from the test thread.
 */
final class NetnsHosts implements AutoCloseable {
  private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 10000));
  private final String subnet =
      "10." + ThreadLocalRandom.current().nextInt(100, 250) + "." + tag.substring(0, 2) + ".";
  private final String bridge = "apbr" + tag;
  private final Map<String, Integer> hosts = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread reaper = new Thread(this::teardown, "netns-reaper");

  /** Why namespaces cannot be made here, or null when they can. */
  static String unavailable() {
    try {
      Process probe =
          new ProcessBuilder("ip", "netns", "add", "approbe" + ProcessHandle.current().pid())
              .redirectErrorStream(true)
              .start();
      String out = new String(probe.getInputStream().readAllBytes()).trim();
      if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        return "cannot create network namespaces (needs root and iproute2): " + out;
      }
      run("ip", "netns", "del", "approbe" + ProcessHandle.current().pid());
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot create network namespaces (needs root and iproute2): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  NetnsHosts() {
    Runtime.getRuntime().addShutdownHook(reaper);
    run("ip", "link", "add", bridge, "type", "bridge");
    run("ip", "addr", "add", subnet + "1/24", "dev", bridge);
    run("ip", "link", "set", bridge, "up");
  }

  /** Adds a host and returns its address. */
  String add(String name) {
    int index = hosts.size();
    String ns = namespace(name);
    String veth = "apv" + tag + index;
    run("ip", "netns", "add", ns);
    hosts.put(name, index);
    run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    run("ip", "link", "set", veth, "master", bridge, "up");
    run("ip", "netns", "exec", ns, "ip", "addr", "add", address(name) + "/24", "dev", "eth0");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    return address(name);
  }

  String address(String name) {
    return subnet + (10 + hosts.get(name));
  }

  /** Starts {@code command} inside the host; its output goes to {@code log}. */
  Process exec(String name, java.io.File log, Map<String, String> env, List<String> command)
      throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(name)));
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Takes the host's link down: packets to and from it are dropped, connections stall. */
  void cut(String name) {
    run("ip", "link", "set", "apv" + tag + hosts.get(name), "down");
  }

  void restore(String name) {
    run("ip", "link", "set", "apv" + tag + hosts.get(name), "up");
  }

  private String namespace(String name) {
    return "ap" + tag + "-" + name;
  }

  static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private synchronized void teardown() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    for (String name : hosts.keySet()) {
      quietly("ip", "netns", "del", namespace(name));
    }
    hosts.clear();
    quietly("ip", "link", "del", bridge);
  }

  private static void quietly(String... command) {
    try {
      run(command);
    } catch (IllegalStateException alreadyGone) {
      // torn down before, or never made
    }
  }

  @Override
  public void close() {
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
