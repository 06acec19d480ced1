package io.nextitem.tools.cluster;

import java.nio.file.Path;

/**
 * The folder of one standalone cluster on this machine, laid out as a Flink installation
 * (lib/, plugins/, usrlib/, conf/, log/) plus what the cluster keeps (checkpoints/, savepoints/,
 * tmp/) and the process ids the cluster command reads back (pids/).
 */
public record ClusterHome(Path root) {
    public ClusterHome {
        root = root.toAbsolutePath().normalize();
    }

    public Path lib() {
        return root.resolve("lib");
    }

    public Path plugins() {
        return root.resolve("plugins");
    }

    /** Where application mode finds the job jar (Flink looks beside lib/). */
    public Path usrlib() {
        return root.resolve("usrlib");
    }

    public Path conf() {
        return root.resolve("conf");
    }

    public Path log() {
        return root.resolve("log");
    }

    public Path pids() {
        return root.resolve("pids");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    public Path logFile(String process) {
        return log().resolve(process + ".log");
    }

    public Path outFile(String process) {
        return log().resolve(process + ".out");
    }

    public Path pidFile(String process) {
        return pids().resolve(process + ".pid");
    }
}
