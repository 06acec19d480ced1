package io.nextitem.tools.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of a broker's listener, which the broker advertises as its own address,
 * so every client (the job's included) reaches the broker through it. {@link #cut()} makes the
 * network drop traffic without refusing it, as a partition does: connections stay open and
 * nothing gets through in either direction, new connections are accepted and left hanging;
 * {@link #heal()} lets the held bytes flow again. Every process stays up throughout.
 */
public final class NetworkCutProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkCutProxy.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile int targetPort;
    private volatile boolean cut;
    private volatile boolean closed;

    private NetworkCutProxy(ServerSocket listener) {
        this.listener = listener;
        this.acceptor = new Thread(this::accept, "network-cut-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a free loopback port; connections wait until {@link #forwardTo} names the target. */
    public static NetworkCutProxy listen() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new NetworkCutProxy(socket);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void forwardTo(int port) {
        targetPort = port;
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    /** From now on nothing passes, in either direction, until {@link #heal()}. */
    public void cut() {
        cut = true;
        LOG.info("network to the broker cut at the proxy (port {})", port());
    }

    public void heal() {
        cut = false;
        synchronized (gate) {
            gate.notifyAll();
        }
        LOG.info("network to the broker healed at the proxy (port {})", port());
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Thread connector = new Thread(() -> connect(client), "network-cut-proxy-connect");
                connector.setDaemon(true);
                connector.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitOpen();
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(upstream);
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitOpen();   // a cut holds the bytes here, as lost packets are held by TCP retransmission
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed or reset: close the other too
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "network-cut-proxy-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while ((cut || targetPort == 0) && !closed) {
                gate.wait(100);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly2(listener);
        sockets.forEach(NetworkCutProxy::closeQuietly);
    }

    private static void closeQuietly2(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
