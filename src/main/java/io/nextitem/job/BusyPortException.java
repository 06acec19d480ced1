package io.nextitem.job;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A local endpoint's port is taken. Checked before the local cluster starts: Flink's own failure
 * is a 30-line stack trace whose cause reads "Could not start rest endpoint on any port in port
 * range 8081" and never names the option that changes the port.
 */
public final class BusyPortException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private BusyPortException(String message) {
        super(message);
    }

    /**
     * @param loopbackOnly the endpoint binds loopback (the dashboard) rather than every interface
     *                     (Flink's Prometheus reporter)
     */
    static void requireFree(int port, String what, String option, boolean loopbackOnly) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(loopbackOnly ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(port));
        } catch (IOException e) {
            throw new BusyPortException("port " + port + " for the " + what + " is in use by another program; "
                    + "choose a free one with " + option + " PORT");
        }
    }
}
