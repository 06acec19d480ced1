package io.nextitem.tools.bench;

import io.nextitem.config.JobConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;

/**
 * The job's maximum sustainable rate: a backlog of clicks already in Kafka, the job started on
 * it, and the rate at which the recommend stage emits lists once every user's sequence is full
 * (from the job's own emit times, so checkpoint visibility does not blur it). Repeated; the
 * median is the figure, after the warm-up runs ({@code --warmup-runs}) that are reported but not counted.
 */
final class ThroughputStage {
    /** Generous: a run that needs longer than this is broken, not slow. */
    private static final double MIN_PLAUSIBLE_EVENTS_PER_S = 50;

    private ThroughputStage() {}

    /** The stage's figures and every list of its last counted run (what the scaling stage's recall compares). */
    record Measured(Map<String, Object> figures, List<RecommendationProbe.Seen> lastRunLists) {}

    /** @param fillClicks lists before the measured window (the fill rounds) */
    static Map<String, Object> run(String label, String bootstrap, Path registry, Path work, String clicksTopic,
                                   int totalClicks, int fillClicks, int sequenceLength, BenchSettings settings,
                                   int batchMaxSize,
                                   boolean exactlyOnce, PrintStream log) throws Exception {
        return measure(label, bootstrap, registry, work, clicksTopic, totalClicks, fillClicks, sequenceLength, settings,
                batchMaxSize, exactlyOnce, log).figures();
    }

    static Measured measure(String label, String bootstrap, Path registry, Path work, String clicksTopic,
                            int totalClicks, int fillClicks, int sequenceLength, BenchSettings settings,
                            int batchMaxSize, boolean exactlyOnce, PrintStream log) throws Exception {
        return measure(label, bootstrap, registry, work, clicksTopic, totalClicks, fillClicks, sequenceLength, settings,
                batchMaxSize, exactlyOnce, config -> config, log);
    }

    /** @param variant what this measurement changes in each run's config (a copy per run) */
    static Measured measure(String label, String bootstrap, Path registry, Path work, String clicksTopic,
                            int totalClicks, int fillClicks, int sequenceLength, BenchSettings settings,
                            int batchMaxSize, boolean exactlyOnce, java.util.function.UnaryOperator<JobConfig> variant,
                            PrintStream log) throws Exception {
        List<RecommendationProbe.Seen> lastRun = List.of();
        List<Double> rates = new ArrayList<>();
        List<Double> warmupRates = new ArrayList<>();
        // Warm-up runs first (the protocol: warm up, then repeat): the first job in a JVM runs
        // its hot paths interpreted and measured 10-20% under the later ones.
        int warmups = settings.warmupRuns();
        for (int rep = 1 - warmups; rep <= settings.repetitions(); rep++) {
            JobConfig config = variant.apply(BenchJobRunner.config(bootstrap, registry, work, clicksTopic, settings,
                    sequenceLength, batchMaxSize, exactlyOnce)).validated();
            String run = rep <= 0 ? "warm-up run " + (rep + warmups) + "/" + warmups + " (not counted)"
                    : "repetition " + rep + "/" + settings.repetitions();
            long started = System.nanoTime();
            try (RecommendationProbe probe = new RecommendationProbe(bootstrap, config.kafka.recommendationsTopic,
                    exactlyOnce)) {
                JobClient job = BenchJobRunner.start(config);
                try {
                    Duration timeout = Duration.ofSeconds(60 + (long) (totalClicks / MIN_PLAUSIBLE_EVENTS_PER_S));
                    if (!probe.awaitCount(totalClicks, timeout)) {
                        throw new IllegalStateException(label + " " + run + ": only " + probe.count() + " of "
                                + totalClicks + " lists within " + timeout.toSeconds() + " s");
                    }
                } finally {
                    job.cancel().get();
                }
                List<RecommendationProbe.Seen> lists = probe.snapshot();
                double rate = steadyRate(lists, fillClicks);
                if (rep <= 0) {
                    warmupRates.add(rate);
                } else {
                    rates.add(rate);
                    lastRun = lists;
                }
                log.printf("  %s %s: %,.0f events/s (run %.1f s)%n", label, run, rate, (System.nanoTime() - started) / 1e9);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", label);
        out.put("batch_max_size", batchMaxSize);
        out.put("delivery", exactlyOnce ? "exactly-once" : "at-least-once");
        out.put("clicks", totalClicks);
        out.put("measured_from_list", fillClicks);
        out.put("events_per_s_median", round(median(rates)));
        out.put("events_per_s_runs", rates.stream().map(ThroughputStage::round).toList());
        out.put("warmup_events_per_s_runs", warmupRates.stream().map(ThroughputStage::round).toList());
        return new Measured(out, lastRun);
    }

    /**
     * Lists per second between the end of the fill and the last 2% (the tail can straggle
     * behind a final checkpoint), over the job's emit times in the order they were emitted.
     */
    static double steadyRate(List<RecommendationProbe.Seen> seen, int fillClicks) {
        long[] emitted = seen.stream().mapToLong(RecommendationProbe.Seen::emitTimeMillis).sorted().toArray();
        int first = Math.min(fillClicks, emitted.length - 2);
        int last = Math.max(first + 1, (int) (emitted.length * 0.98) - 1);
        double seconds = Math.max(1e-3, (emitted[last] - emitted[first]) / 1000.0);
        return (last - first) / seconds;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
