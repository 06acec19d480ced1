package io.nextitem.cli;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.job.JobEnvironment;
import io.nextitem.job.NextItemJob;
import io.nextitem.kafka.BrokerReachability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the job: on the cluster under `flink run`, else on a local cluster with the dashboard. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the recommendation job with a YAML config (see deploy/nextitem.yaml).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Job config YAML.")
    Path config;

    @Option(names = "--dashboard-port", defaultValue = "8081", description = "Local runs only. Default: ${DEFAULT-VALUE}.")
    int dashboardPort;

    @Option(names = "--prometheus-port", defaultValue = "9249",
            description = "Local runs only: Prometheus endpoint of the local cluster; 0 = none. Default: ${DEFAULT-VALUE}.")
    int prometheusPort;

    @Override
    public Integer call() throws Exception {
        JobConfig jobConfig = JobConfigLoader.load(config);
        StreamExecutionEnvironment env = JobEnvironment.create(jobConfig);
        boolean local = env instanceof LocalStreamEnvironment;
        if (local) {
            env = JobEnvironment.createLocalWithDashboard(jobConfig, dashboardPort, prometheusPort);   // ports checked here
        }
        // Before anything is submitted: an unreachable cluster is named now, not as a restart loop later.
        BrokerReachability.require(jobConfig.kafka.bootstrapServers, jobConfig.kafka.clientProperties(),
                BrokerReachability.DEFAULT_TIMEOUT, "kafka.bootstrap-servers in " + config);
        if (local) {
            System.out.printf("Local Flink cluster; dashboard at http://localhost:%d%s%n", dashboardPort,
                    prometheusPort > 0 ? ", metrics at http://localhost:" + prometheusPort + "/metrics" : "");
        }
        NextItemJob.build(env, jobConfig);
        env.execute(NextItemJob.JOB_NAME);
        return 0;
    }
}
