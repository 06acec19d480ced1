package io.nextitem.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.tools.soak.SoakRun;
import io.nextitem.tools.soak.SoakSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The soak: the job jar on a standalone cluster for half an hour, sampled each minute. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the job jar on a local standalone cluster (JobManager and two TaskManager JVMs) and a local "
                + "broker for a while at a steady rate, with snapshots, `trainer finetune --watch` and hot swaps on and "
                + "users churning under a short TTL; sample RSS, heap after GC, RocksDB size, checkpoint size and "
                + "duration, consumer lag and dead letters; then check every click got exactly one list. Writes "
                + "soak.json (per-series slope_per_hour) and soak.svg beside it; exits 1 if anything was lost or "
                + "doubled or the state grew.")
final class SoakCommand implements Callable<Integer> {
    static final Path BENCH_SUMMARY = Path.of("src", "site", "results", "bench", "summary.json");

    @Option(names = "--scale", defaultValue = "full",
            description = "full (30 minutes, 5-minute TTL, a sample a minute) or ci (3 minutes at 300 clicks/s). "
                    + "Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--minutes", description = "Override the scale's minutes.")
    Integer minutes;

    @Option(names = "--rate", description = "Clicks per second. Default (full): half the job's measured rate in "
            + "src/site/results/bench/summary.json.")
    Double rate;

    @Option(names = "--no-finetune", description = "Without `trainer finetune --watch` beside the job.")
    boolean noFinetune;

    @Option(names = "--out", defaultValue = "src/site/results/soak/soak.json", description = "Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--print-table", paramLabel = "RESULT_FILE",
            description = "Instead of running: print the docs' summary of a soak.json.")
    Path printTable;

    @Override
    public Integer call() throws Exception {
        if (printTable != null) {
            System.out.print(io.nextitem.tools.soak.SoakTable.markdown(printTable));
            return 0;
        }
        String rateSource;
        SoakSettings settings;
        if (scale.equals("ci")) {
            settings = SoakSettings.ci(seed);
            rateSource = "the ci scale's fixed rate";
        } else if (scale.equals("full")) {
            double measured = measuredRate();
            settings = SoakSettings.full(rate != null ? rate : Math.round(measured / 2), seed);
            rateSource = rate != null ? "--rate" : String.format("half of job_events_per_s %.1f in %s", measured, BENCH_SUMMARY);
        } else {
            throw new IllegalArgumentException("--scale: expected full or ci, got '" + scale + "'");
        }
        if (rate != null && scale.equals("ci")) {
            rateSource = "--rate";
        }
        settings = new SoakSettings(minutes != null ? minutes : settings.minutes(),
                rate != null ? rate : settings.eventsPerSecond(), settings.activeUsers(), settings.newUsersPerMinute(),
                settings.ttlMinutes(), settings.snapshotIntervalMinutes(), settings.sampleEvery(),
                settings.malformedEvery(), !noFinetune, settings.parallelism(), settings.seed());
        Map<String, Object> result = new SoakRun(settings, System.out).run(out, rateSource);
        return Boolean.TRUE.equals(result.get("passed")) ? 0 : 1;
    }

    /** The job's measured exactly-once rate on this machine class, from the bench's committed summary. */
    private static double measuredRate() throws Exception {
        if (!Files.isRegularFile(BENCH_SUMMARY)) {
            throw new IllegalArgumentException(BENCH_SUMMARY + " is missing: run `bench` first or give --rate");
        }
        JsonNode summary = new ObjectMapper().readTree(BENCH_SUMMARY.toFile());
        return summary.path("job_events_per_s").asDouble();
    }
}
