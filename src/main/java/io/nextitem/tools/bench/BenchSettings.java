package io.nextitem.tools.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one bench run holds fixed across its stages, so the job and the bare-runtime ceiling are
 * measured with the same threads and batch limit (the summary compares them side by side).
 *
 * @param changelog         the job's checkpoint.changelog (log-based incremental checkpoints)
 * @param users             distinct users in the job benchmarks' click stream
 * @param measuredRounds    rounds (one click per user each) measured after the fill rounds that make every sequence full
 * @param repetitions       job runs per setting; the figure is their median
 * @param warmupRuns        job runs before those, reported but not counted (the first job in a JVM runs cold)
 * @param latencySeconds    paced seconds per latency point
 * @param loadFractions     latency points as fractions of the job stage's maximum rate
 * @param latencyRates      latency points at these offered rates (events/s) instead, when not empty: a
 *                          comparison of two settings then runs at the same load, not at fractions of
 *                          two noisy maxima
 * @param stateUsers        user counts of the state stage (each seeded with full sequences)
 * @param stateClicks       clicks of random users the job answers at each state size
 * @param stateVariants     job settings the state stage compares side by side on the same seeded state, each
 *                          {@code NAME} or {@code NAME:key=value,key=value} (keys as in docs/configuration.md)
 * @param managedMemoryMb   managed memory of the local task manager in MiB (RocksDB's block cache and
 *                          memtables come out of it), or 0 for Flink's local default
 * @param jobSettings       {@code key=value} job settings applied to every job the bench starts (a search variant's)
 * @param scalingVersions   the scaling stage's model versions, one per catalogue size
 * @param searchVariants    the scaling stage's settings, each {@code NAME[:key=value,...]}; the first is the
 *                          reference the others' recall is taken against (exact search)
 * @param scalingClicks     click logs the scaling stage replays, one per version (a sample of their users), or
 *                          none for random sequences of each catalogue's items
 * @param scalingUserShares share of each log's users replayed (chosen by a seeded hash of the user id): one
 *                          value for every log, or one per log (a large catalogue's log holds more users)
 */
public record BenchSettings(Path version, String provider, int intraOpThreads, int batchMaxSize, long batchMaxDelayMs,
                     int parallelism, long checkpointIntervalMs, boolean changelog, int users, int measuredRounds, int repetitions, int warmupRuns,
                     double latencySeconds, double[] loadFractions, double[] latencyRates, long[] stateUsers, int stateClicks, long seed,
                     List<String> stateVariants, long managedMemoryMb, List<String> jobSettings,
                     List<Path> scalingVersions, List<String> searchVariants, List<Path> scalingClicks,
                     double[] scalingUserShares) {

    /** The state stage's one variant: the job's settings as they are. */
    public static final List<String> DEFAULT_STATE_VARIANTS = List.of("default");

    /** The settings with the state stage's defaults: one variant, Flink's local managed memory. */
    public BenchSettings(Path version, String provider, int intraOpThreads, int batchMaxSize, long batchMaxDelayMs,
                         int parallelism, long checkpointIntervalMs, boolean changelog, int users, int measuredRounds,
                         int repetitions, int warmupRuns, double latencySeconds, double[] loadFractions, double[] latencyRates,
                         long[] stateUsers, int stateClicks, long seed) {
        this(version, provider, intraOpThreads, batchMaxSize, batchMaxDelayMs, parallelism, checkpointIntervalMs, changelog,
                users, measuredRounds, repetitions, warmupRuns, latencySeconds, loadFractions, latencyRates, stateUsers,
                stateClicks, seed, DEFAULT_STATE_VARIANTS, 0, List.of(), List.of(), DEFAULT_SEARCH_VARIANTS, List.of(),
                new double[] {1.0});
    }

    /** The scaling stage's default comparison: the exact graph against approximate search. */
    public static final List<String> DEFAULT_SEARCH_VARIANTS = List.of("exact:model.search=exact",
            "approximate:model.search=approximate");

    /** The same settings with other job settings for every job started (one variant of a comparison). */
    BenchSettings withJobSettings(List<String> assignments) {
        return new BenchSettings(version, provider, intraOpThreads, batchMaxSize, batchMaxDelayMs, parallelism,
                checkpointIntervalMs, changelog, users, measuredRounds, repetitions, warmupRuns, latencySeconds, loadFractions,
                latencyRates, stateUsers, stateClicks, seed, stateVariants, managedMemoryMb, List.copyOf(assignments),
                scalingVersions, searchVariants, scalingClicks, scalingUserShares);
    }

    /** The same settings with another number of counted and warm-up runs per measurement. */
    BenchSettings withRuns(int repetitions, int warmupRuns) {
        return new BenchSettings(version, provider, intraOpThreads, batchMaxSize, batchMaxDelayMs, parallelism,
                checkpointIntervalMs, changelog, users, measuredRounds, repetitions, warmupRuns, latencySeconds, loadFractions,
                latencyRates, stateUsers, stateClicks, seed, stateVariants, managedMemoryMb, jobSettings,
                scalingVersions, searchVariants, scalingClicks, scalingUserShares);
    }

    /** The share of users replayed from the {@code v}-th scaling log. */
    double scalingUserShare(int v) {
        return scalingUserShares.length == 1 ? scalingUserShares[0] : scalingUserShares[v];
    }

    /** @throws IllegalArgumentException naming every option out of range */
    public BenchSettings validated() {
        java.util.List<String> errors = new java.util.ArrayList<>();
        if (!java.util.Set.of("auto", "cuda", "cpu").contains(provider)) {
            errors.add("--provider must be auto, cuda or cpu, got " + provider);
        }
        check(errors, "--threads", intraOpThreads, 1);
        check(errors, "--batch-max-size", batchMaxSize, 1);
        check(errors, "--parallelism", parallelism, 1);
        check(errors, "--checkpoint-interval-ms", checkpointIntervalMs, 100);
        check(errors, "--users", users, 1);
        check(errors, "--measured-rounds", measuredRounds, 2);
        check(errors, "--repetitions", repetitions, 1);
        check(errors, "--warmup-runs", warmupRuns, 0);
        if (batchMaxDelayMs < 0 || latencySeconds <= 0) {
            errors.add("--batch-max-delay-ms must be at least 0 and --latency-seconds positive");
        }
        check(errors, "--state-clicks", stateClicks, 1);
        for (long n : stateUsers) {
            check(errors, "--state-users", n, 1);
        }
        check(errors, "--state-managed-memory-mb", managedMemoryMb, 0);
        problemsOf(errors, () -> SettingsVariant.parseAll("--state-variant", stateVariants));
        if (!scalingVersions.isEmpty()) {
            problemsOf(errors, () -> SettingsVariant.parseAll("--search-variant", searchVariants));
        }
        if (!scalingClicks.isEmpty() && scalingClicks.size() != scalingVersions.size()) {
            errors.add("--scaling-clicks: one log per --scaling-versions entry (" + scalingVersions.size() + "), got "
                    + scalingClicks.size());
        }
        for (double share : scalingUserShares) {
            if (!(share > 0 && share <= 1)) {
                errors.add("--scaling-user-share must be in (0, 1], got " + share);
            }
        }
        if (scalingUserShares.length != 1 && scalingUserShares.length != scalingClicks.size()) {
            errors.add("--scaling-user-share: one share, or one per --scaling-clicks log (" + scalingClicks.size()
                    + "), got " + scalingUserShares.length);
        }
        problemsOf(errors, () -> SettingsVariant.parse("--set", "set:" + String.join(",", jobSettings)));
        for (double rate : latencyRates) {
            if (rate <= 0) {
                errors.add("--latency-rates: every rate positive, got " + rate);
            }
        }
        for (double fraction : loadFractions) {
            if (fraction <= 0 || fraction > 1) {
                errors.add("--load-fractions: every value in (0, 1], got " + fraction);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return this;
    }

    /** Runs a parse and adds what it refuses, every problem of a config included. */
    private static void problemsOf(java.util.List<String> errors, Runnable parse) {
        try {
            parse.run();
        } catch (io.nextitem.config.InvalidConfigException e) {
            errors.addAll(e.problems());
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    private static void check(java.util.List<String> errors, String option, long value, long min) {
        if (value < min) {
            errors.add(option + " must be at least " + min + ", got " + value);
        }
    }

    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider_requested", provider);
        out.put("intra_op_threads", intraOpThreads);
        out.put("batch_max_size", batchMaxSize);
        out.put("batch_max_delay_ms", batchMaxDelayMs);
        out.put("parallelism", parallelism);
        out.put("checkpoint_interval_ms", checkpointIntervalMs);
        out.put("checkpoint_changelog", changelog);
        out.put("users", users);
        out.put("measured_rounds", measuredRounds);
        out.put("repetitions", repetitions);
        out.put("warmup_runs", warmupRuns);
        out.put("latency_seconds_per_point", latencySeconds);
        out.put("load_fractions", loadFractions);
        out.put("latency_rates_events_per_s", latencyRates);
        out.put("state_users", stateUsers);
        out.put("state_clicks", stateClicks);
        out.put("state_variants", stateVariants);
        out.put("state_managed_memory_mb", managedMemoryMb == 0 ? "flink-local-default" : managedMemoryMb);
        out.put("job_settings", jobSettings);
        out.put("scaling_versions", scalingVersions.stream().map(p -> p.getFileName().toString()).toList());
        out.put("search_variants", searchVariants);
        out.put("scaling_clicks", scalingClicks.isEmpty() ? "random sequences of each catalogue's items"
                : scalingClicks.stream().map(p -> p.getFileName().toString()).toList());
        out.put("scaling_user_share", scalingUserShares.length == 1 ? scalingUserShares[0] : scalingUserShares);
        out.put("seed", seed);
        return out;
    }
}
