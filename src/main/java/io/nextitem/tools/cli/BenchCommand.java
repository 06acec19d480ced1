package io.nextitem.tools.cli;

import io.nextitem.tools.bench.BenchSettings;
import io.nextitem.tools.bench.BenchSuite;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The performance suite: ceiling, job, per-event job and latency in one run, written as JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the bare ONNX Runtime ceiling, the full job (local KRaft broker, local Flink, "
                + "exactly-once) micro-batched and per event, and latency at fractions of its maximum rate in both "
                + "delivery modes; writes bench_<version>.json and, when every stage ran, summary.json.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--version", description = "Model version folder to serve (e.g. from trainer bench-model); required but with --scaling-table and --state-table.")
    Path version;

    @Option(names = "--stages", split = ",", defaultValue = "ceiling,job,per-event,latency,state",
            description = "Any of ceiling, job, per-event, latency, state, scaling, controls (the job with item rules and "
                    + "with a canary's second version, beside it without). Default: ${DEFAULT-VALUE}.")
    String[] stages;

    @Option(names = "--out-dir", defaultValue = "src/site/results/bench", description = "Default: ${DEFAULT-VALUE}.")
    Path outDir;

    @Option(names = "--provider", defaultValue = "auto", description = "auto, cuda or cpu. Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads, ceiling and job alike. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--batch-max-size", defaultValue = "64", description = "Batch limit, ceiling and job alike. Default: ${DEFAULT-VALUE}.")
    int batchMaxSize;

    @Option(names = "--batch-max-delay-ms", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
    long batchMaxDelayMs;

    @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "1000", description = "Default: ${DEFAULT-VALUE}.")
    long checkpointIntervalMs;

    @Option(names = "--changelog", defaultValue = "false", arity = "1",
            description = "The job's checkpoint.changelog (log-based incremental checkpoints), true or false. Default: ${DEFAULT-VALUE}.")
    boolean changelog;

    @Option(names = "--users", defaultValue = "1000", description = "Users in the job's click stream. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--measured-rounds", defaultValue = "50",
            description = "Clicks per user measured after the max_seq_len fill rounds. Default: ${DEFAULT-VALUE}.")
    int measuredRounds;

    @Option(names = "--repetitions", defaultValue = "5", description = "Job runs per setting (median reported). Default: ${DEFAULT-VALUE}.")
    int repetitions;

    @Option(names = "--warmup-runs", defaultValue = "1",
            description = "Job runs before the repetitions, reported but not counted. Default: ${DEFAULT-VALUE}.")
    int warmupRuns;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Paced seconds per latency point. Default: ${DEFAULT-VALUE}.")
    double latencySeconds;

    @Option(names = "--load-fractions", split = ",", defaultValue = "0.25,0.5,0.75",
            description = "Latency points as fractions of the job's maximum rate. Default: ${DEFAULT-VALUE}.")
    double[] loadFractions;

    @Option(names = "--latency-rates", split = ",",
            description = "Latency points at these offered rates (events/s) instead of --load-fractions; no job stage needed.")
    double[] latencyRates = new double[0];

    @Option(names = "--state-users", split = ",", defaultValue = "10000,100000,1000000",
            description = "User counts of the state stage. Default: ${DEFAULT-VALUE}.")
    long[] stateUsers;

    @Option(names = "--state-clicks", defaultValue = "20000",
            description = "Clicks of random users answered at each state size. Default: ${DEFAULT-VALUE}.")
    int stateClicks;

    @Option(names = "--state-variant", paramLabel = "NAME[:KEY=VALUE,...]",
            description = "A setting of the state stage, compared side by side on the same seeded state; repeat it. "
                    + "KEY is a job setting (docs/configuration.md), e.g. "
                    + "partitioned:state.rocksdb-partitioned-index-filters=true. Default: default (the settings as they are).")
    List<String> stateVariants = new ArrayList<>(BenchSettings.DEFAULT_STATE_VARIANTS);

    @Option(names = "--state-managed-memory-mb", defaultValue = "0",
            description = "Managed memory of the local task manager in MiB (RocksDB's block cache and memtables come "
                    + "out of it); 0 keeps Flink's local default. Default: ${DEFAULT-VALUE}.")
    long stateManagedMemoryMb;

    @Option(names = "--scaling-versions", split = ",", paramLabel = "DIR",
            description = "The scaling stage's model version folders, one per catalogue size (smallest first).")
    List<Path> scalingVersions = new ArrayList<>();

    @Option(names = "--search-variant", paramLabel = "NAME[:KEY=VALUE,...]",
            description = "A setting of the scaling stage; repeat it. The first is the reference the others' recall@10 is "
                    + "taken against: give exact search first. Default: exact:model.search=exact and "
                    + "approximate:model.search=approximate.")
    List<String> searchVariants = new ArrayList<>(BenchSettings.DEFAULT_SEARCH_VARIANTS);

    @Option(names = "--scaling-clicks", split = ",", paramLabel = "FILE",
            description = "Click logs (csv with user_id,item_id,timestamp_ms, MovieLens .dat, or SASRec's 'user item' .txt; .gz too) the scaling stage "
                    + "replays, one per --scaling-versions entry, so recall is taken on real sequences; default: random "
                    + "sequences of each catalogue's items.")
    List<Path> scalingClicks = new ArrayList<>();

    @Option(names = "--scaling-user-share", split = ",", defaultValue = "1.0",
            description = "Share of each log's users replayed, chosen by a seeded hash of the user id: one share for "
                    + "every log, or one per --scaling-clicks log. Default: ${DEFAULT-VALUE}.")
    double[] scalingUserShares;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job setting (docs/configuration.md) for every job the bench starts; repeat it.")
    List<String> jobSettings = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--scaling-table", paramLabel = "SUMMARY_JSON",
            description = "Print the Markdown table of a summary.json's catalogue_scaling rows (as docs/scaling.md shows it) and exit.")
    Path scalingTable;

    @Option(names = "--state-table", paramLabel = "STATE_JSON",
            description = "Print the Markdown table of a state_<version>.json's state stage (as docs/scaling.md shows it) and exit.")
    Path stateTable;

    @Override
    public Integer call() throws Exception {
        if (scalingTable != null) {
            System.out.print(io.nextitem.tools.bench.CatalogueScalingTable.markdown(scalingTable));
            return 0;
        }
        if (stateTable != null) {
            System.out.print(io.nextitem.tools.bench.StateScalingTable.markdown(stateTable));
            return 0;
        }
        if (version == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing required option: '--version'");
        }
        Set<String> chosen = new LinkedHashSet<>(Arrays.asList(stages));
        if (!BenchSuite.STAGES.containsAll(chosen)) {
            throw new IllegalArgumentException("--stages: expected any of " + BenchSuite.STAGES + ", got " + chosen);
        }
        BenchSettings settings = new BenchSettings(version, provider, threads, batchMaxSize, batchMaxDelayMs,
                parallelism, checkpointIntervalMs, changelog, users, measuredRounds, repetitions, warmupRuns, latencySeconds, loadFractions, latencyRates,
                stateUsers, stateClicks, seed, stateVariants, stateManagedMemoryMb, jobSettings, scalingVersions,
                searchVariants, scalingClicks, scalingUserShares).validated();
        BenchSuite.run(settings, chosen, outDir, System.out);
        return 0;
    }
}
