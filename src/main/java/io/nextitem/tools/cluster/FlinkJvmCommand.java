package io.nextitem.tools.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;

/**
 * The command line of a cluster JVM as Flink's own scripts build it (bin/config.sh,
 * jobmanager.sh, taskmanager.sh, flink-daemon.sh): the memory flags that Flink's BashJavaUtils
 * derives from the config, then {@code env.java.default-opts.*} and {@code env.java.opts.*} for
 * all processes and for the role, the log settings, lib/ as the classpath, the entry point with
 * {@code --configDir}, and for a TaskManager the dynamic memory settings BashJavaUtils returns.
 */
final class FlinkJvmCommand {
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    static final String SESSION_ENTRY_POINT = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String APPLICATION_ENTRY_POINT = "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint";
    static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI_FRONTEND = "org.apache.flink.client.cli.CliFrontend";

    enum Role { JOB_MANAGER, TASK_MANAGER, CLIENT }

    private FlinkJvmCommand() {}

    /**
     * @param extraJvmOptions diagnostics a test adds (class-load logging), never configuration
     * @param programArgs     the entry point's own arguments after {@code --configDir}
     */
    static List<String> build(ClusterHome home, Configuration config, Role role, String processName, String mainClass,
                              List<String> extraJvmOptions, List<String> programArgs) throws IOException {
        String classpath = classpath(home);
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        List<String> dynamicConfigs = List.of();
        if (role == Role.JOB_MANAGER) {
            command.addAll(split(bashJavaUtils(home, classpath, "GET_JM_RESOURCE_PARAMS").get(0)));
        } else if (role == Role.TASK_MANAGER) {
            List<String> results = bashJavaUtils(home, classpath, "GET_TM_RESOURCE_PARAMS");
            command.addAll(split(results.get(0)));
            dynamicConfigs = split(results.get(1));
        }
        command.addAll(split(config.get(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS)));
        command.addAll(split(config.get(CoreOptions.FLINK_JVM_OPTIONS)));
        if (role == Role.JOB_MANAGER) {
            command.addAll(split(config.get(CoreOptions.FLINK_DEFAULT_JM_JVM_OPTIONS)));
            command.addAll(split(config.get(CoreOptions.FLINK_JM_JVM_OPTIONS)));
        } else if (role == Role.TASK_MANAGER) {
            command.addAll(split(config.get(CoreOptions.FLINK_DEFAULT_TM_JVM_OPTIONS)));
            command.addAll(split(config.get(CoreOptions.FLINK_TM_JVM_OPTIONS)));
        } else {
            command.addAll(split(config.get(CoreOptions.FLINK_CLI_JVM_OPTIONS)));
        }
        String log4j = "file:" + home.conf().resolve("log4j.properties");
        command.add("-Dlog.file=" + home.logFile(processName));
        command.add("-Dlog4j.configuration=" + log4j);
        command.add("-Dlog4j.configurationFile=" + log4j);
        command.addAll(extraJvmOptions);
        command.add("-classpath");
        command.add(classpath);
        command.add(mainClass);
        if (role != Role.CLIENT) {
            command.add("--configDir");
            command.add(home.conf().toString());
        }
        command.addAll(dynamicConfigs);
        command.addAll(programArgs);
        return command;
    }

    /** The environment Flink's scripts export, so entry points find conf/, lib/, plugins/ and usrlib/. */
    static void exportEnvironment(ClusterHome home, java.util.Map<String, String> environment) {
        environment.put("FLINK_HOME", home.root().toString());
        environment.put("FLINK_CONF_DIR", home.conf().toString());
        environment.put("FLINK_LIB_DIR", home.lib().toString());
        environment.put("FLINK_PLUGINS_DIR", home.plugins().toString());
        environment.put("FLINK_BIN_DIR", home.root().resolve("bin").toString());
        environment.put("FLINK_OPT_DIR", home.root().resolve("opt").toString());
        environment.put("FLINK_LOG_DIR", home.log().toString());
    }

    static String classpath(ClusterHome home) throws IOException {
        List<String> jars = new ArrayList<>();
        for (Path jar : FlinkLayout.libJars(home)) {
            jars.add(jar.toString());
        }
        return String.join(File.pathSeparator, jars);
    }

    /** Runs Flink's BashJavaUtils as the scripts do and returns its result lines. */
    private static List<String> bashJavaUtils(ClusterHome home, String classpath, String command) throws IOException {
        List<String> cmd = List.of(javaBinary(), "-classpath", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", home.conf().toString());
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("Flink's BashJavaUtils " + command + " failed on " + home.conf() + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for BashJavaUtils", e);
        }
        List<String> results = output.lines().filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> l.substring(RESULT_PREFIX.length())).toList();
        if (results.isEmpty()) {
            throw new IOException("Flink's BashJavaUtils " + command + " printed no result:\n" + output);
        }
        return results;
    }

    static List<String> split(String options) {
        if (options == null || options.isBlank()) {
            return List.of();
        }
        return Arrays.stream(options.trim().split("\\s+")).toList();
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
