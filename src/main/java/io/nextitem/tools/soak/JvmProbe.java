package io.nextitem.tools.soak;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What one Flink process costs, read from outside it: resident memory from /proc, and the heap
 * left after the last garbage collection from the JVM's own collectors, over JMX through the
 * attach API, the way jconsole reaches a local JVM. Heap in use at a random moment says little
 * (it saws between collections); heap after GC is what a leak raises.
 */
final class JvmProbe implements AutoCloseable {
    private final long pid;
    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    JvmProbe(long pid) throws IOException {
        this.pid = pid;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            this.connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            this.connection = connector.getMBeanServerConnection();
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
        }
    }

    /** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
    long rssBytes() throws IOException {
        return rssBytes(pid);
    }

    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;   // the file gives kB
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /**
     * The heap occupied right after the most recent garbage collection of any collector, in
     * bytes: the sum over the heap pools of their usage after that collection. (A pool's own
     * "collection usage" will not do under G1: the old generation's is only updated by old
     * collections, which a healthy job may never need, so it reads 0.)
     */
    long heapAfterGcBytes() throws IOException {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(connection, MemoryPoolMXBean.class)) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getPlatformMXBeans(connection, GarbageCollectorMXBean.class)) {
            GcInfo last = collector.getLastGcInfo();
            if (last != null && (latest == null || last.getEndTime() > latest.getEndTime())) {
                latest = last;
            }
        }
        if (latest == null) {
            return 0;   // no collection yet
        }
        long bytes = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                bytes += pool.getValue().getUsed();
            }
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
