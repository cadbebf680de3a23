package dev.apium.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free local port in front of a shared server (PostgreSQL, RabbitMQ), so that a
 * test can make the server vanish for its own clients only: {@link #cut()} drops every connection
 * and refuses new ones, {@link #restore()} listens again on the same port; or make it hang: {@link
 * #pause()} keeps every connection open and forwards nothing (new ones are accepted and left
 * waiting) until {@link #resume()}. Each connection is piped by two daemon threads; driven from the
 * test thread.
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  private final Object gate = new Object();
  private boolean paused; // guarded by gate

  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    restore();
  }

  public int port() {
    return port;
  }

  /** Listens (again) on {@link #port()} and forwards each connection to the target. */
  public void restore() throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listener = server;
    Thread accept = new Thread(() -> accept(server), "tcp-proxy-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        awaitResumed();
        Socket target = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(target);
        pipe(client, target);
        pipe(target, client);
      } catch (IOException | InterruptedException e) {
        return; // closed by cut()
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  awaitResumed();
                  out.write(buffer, 0, n);
                }
              } catch (IOException | InterruptedException e) {
                // one side went away: close both below
              }
              close(from);
              close(to);
            },
            "tcp-proxy-pipe-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Forwards nothing more, in either direction, until {@link #resume()}; connections stay open. */
  public void pause() {
    synchronized (gate) {
      paused = true;
    }
  }

  /** Forwards again what {@link #pause()} held back. */
  public void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
  }

  private void awaitResumed() throws InterruptedException {
    synchronized (gate) {
      while (paused) {
        gate.wait();
      }
    }
  }

  /** Drops every connection through the proxy and refuses new ones until {@link #restore()}. */
  public void cut() throws IOException {
    listener.close();
    for (Socket socket : open) {
      close(socket);
    }
  }

  private void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
