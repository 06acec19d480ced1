package io.nextitem.tools.bench;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.model.IdVocabulary;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;

/**
 * Latency at a fixed offered load: the job first catches up on fill rounds (every sequence full),
 * then clicks are produced at {@code eventsPerSecond} with event time = the wall clock at send.
 * Two latencies per list: inference path (event time to the job's emit time: Kafka in, decode,
 * state, batching, ONNX, ranking) and visibility (event time to this consumer seeing it: under
 * exactly-once that includes waiting for the checkpoint that commits the list).
 */
final class LatencyStage {
    private static final String PACED_PREFIX = "paced-";
    /** The first paced second is dropped: the job is still draining what the fill left behind. */
    private static final long SETTLE_MILLIS = 1_000;
    /** A log's clicks answered before the pacing starts (at most a tenth of the log). */
    static final int LOG_WARM_CLICKS = 1_000;

    private LatencyStage() {}

    static Map<String, Object> run(String bootstrap, Path registry, Path work, IdVocabulary items, int fillRounds,
                                   BenchSettings settings, double eventsPerSecond, boolean exactlyOnce, PrintStream log) throws Exception {
        return run(bootstrap, registry, work, items, fillRounds, settings, eventsPerSecond, exactlyOnce, null, log);
    }

    /**
     * @param logClicks the clicks of a real log to pace, in their order (again from the start when
     *                  the run needs more), with no fill: the queries the rate was measured on. Random
     *                  item sequences, the other way, make query vectors no trained model meets, far
     *                  from every item, and an approximate search walks deeper for them than for real
     *                  users. Null: random users and items after full fill rounds.
     */
    static Map<String, Object> run(String bootstrap, Path registry, Path work, IdVocabulary items, int fillRounds,
                                   BenchSettings settings, double eventsPerSecond, boolean exactlyOnce,
                                   List<ClickEvent> logClicks, PrintStream log) throws Exception {
        String clicksTopic = "bench-latency-clicks-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTopics.create(bootstrap, 2, List.of(clicksTopic));
        // With a log, its first clicks warm the job up before the pacing starts: without them the
        // pacing began while the version was still loading, and the p99 held the job's start.
        int warm = logClicks == null ? 0 : Math.min(LOG_WARM_CLICKS, logClicks.size() / 10);
        List<ClickEvent> fill = logClicks != null ? warmClicks(logClicks.subList(0, warm), System.currentTimeMillis() - 3_600_000L)
                : BenchClicks.rounds(settings.users(), fillRounds, items, settings.seed(), "fill-",
                System.currentTimeMillis() - 3_600_000L);
        List<ClickEvent> pacedLog = logClicks == null ? null : logClicks.subList(warm, logClicks.size());
        int paced = (int) Math.round(eventsPerSecond * settings.latencySeconds());
        // Fill rounds = max_seq_len: the state holds as many clicks as the model reads.
        JobConfig config = BenchJobRunner.config(bootstrap, registry, work, clicksTopic, settings, fillRounds,
                settings.batchMaxSize(), exactlyOnce);
        long pacedStart;
        try (ClickReplayer producer = new ClickReplayer(bootstrap, clicksTopic);
             RecommendationProbe probe = new RecommendationProbe(bootstrap, config.kafka.recommendationsTopic, exactlyOnce)) {
            producer.replay(fill, 0, null);
            JobClient job = BenchJobRunner.start(config);
            try {
                if (!probe.awaitCount(fill.size(), Duration.ofSeconds(600))) {
                    throw new IllegalStateException("latency run: the job did not catch up on " + fill.size() + " fill clicks");
                }
                pacedStart = System.currentTimeMillis();
                producePaced(producer, items, settings, eventsPerSecond, paced, pacedLog);
                if (!probe.awaitCount(fill.size() + paced, Duration.ofSeconds(120))) {
                    throw new IllegalStateException("latency run at " + eventsPerSecond + " events/s: only "
                            + (probe.count() - fill.size()) + " of " + paced + " paced lists arrived");
                }
            } finally {
                job.cancel().get();
            }
            Map<String, Object> out = summarize(probe.snapshot(), pacedStart + SETTLE_MILLIS, exactlyOnce, eventsPerSecond);
            out.put("requests", logClicks != null ? "the log's clicks in their order, sent at the wall clock"
                    : "random users and items after " + fillRounds + " fill rounds");
            log.printf("  %s at %,.0f events/s: inference-path p99 %s ms, visibility p99 %s ms%n",
                    out.get("delivery"), eventsPerSecond, out.get("inference_path_ms_p99"), out.get("visibility_ms_p99"));
            return out;
        }
    }

    private static void producePaced(ClickReplayer producer, IdVocabulary items, BenchSettings settings,
                                     double eventsPerSecond, int count, List<ClickEvent> logClicks) throws Exception {
        Random random = new Random(settings.seed() + 1);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i / eventsPerSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            producer.send(pacedClick(i, logClicks, random, settings.users(), items, System.currentTimeMillis()));
        }
        producer.flush();
    }

    /** The log's first clicks as fill clicks of their own ids, an hour old: what warms the job up. */
    static List<ClickEvent> warmClicks(List<ClickEvent> logClicks, long atMillis) {
        List<ClickEvent> out = new java.util.ArrayList<>(logClicks.size());
        for (int i = 0; i < logClicks.size(); i++) {
            out.add(BenchClicks.click("fill-" + i, logClicks.get(i).getUserId(), logClicks.get(i).getItemId(), atMillis + i));
        }
        return out;
    }

    /** The i-th paced click at {@code nowMillis}: the log's i-th (round again past its end), or a random user's random item. */
    static ClickEvent pacedClick(int i, List<ClickEvent> logClicks, Random random, int users, IdVocabulary items,
                                 long nowMillis) {
        if (logClicks != null) {
            ClickEvent logged = logClicks.get(i % logClicks.size());
            return BenchClicks.click(PACED_PREFIX + i, logged.getUserId(), logged.getItemId(), nowMillis);
        }
        return BenchClicks.click(PACED_PREFIX + i, BenchClicks.userId(random.nextInt(users)),
                items.idOf(1 + random.nextInt(items.size())), nowMillis);
    }

    static Map<String, Object> summarize(List<RecommendationProbe.Seen> seen, long fromEventTimeMillis,
                                         boolean exactlyOnce, double offeredPerSecond) {
        List<RecommendationProbe.Seen> paced = seen.stream()
                .filter(s -> s.triggerEventId().startsWith(PACED_PREFIX) && s.eventTimeMillis() >= fromEventTimeMillis)
                .toList();
        double[] inference = paced.stream().mapToDouble(s -> s.emitTimeMillis() - s.eventTimeMillis()).sorted().toArray();
        double[] visibility = paced.stream().mapToDouble(s -> s.receivedMillis() - s.eventTimeMillis()).sorted().toArray();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("delivery", exactlyOnce ? "exactly-once" : "at-least-once");
        out.put("offered_events_per_s", ThroughputStage.round(offeredPerSecond));
        out.put("lists_measured", paced.size());
        for (int p : new int[] {50, 95, 99}) {
            out.put("inference_path_ms_p" + p, percentileOrNull(inference, p));
        }
        for (int p : new int[] {50, 95, 99}) {
            out.put("visibility_ms_p" + p, percentileOrNull(visibility, p));
        }
        out.put("inference_path_ms_max", inference.length == 0 ? null : inference[inference.length - 1]);
        out.put("inference_path_ms_p99_per_second", p99PerSecond(paced, fromEventTimeMillis));
        return out;
    }

    /**
     * The inference-path p99 of each paced second (by event time), so a tail can be told apart:
     * a few slow seconds (a pause, a checkpoint, a neighbour on the host) or every second slow
     * (the load is past what the job sustains). Seconds with no list are null.
     */
    private static List<Double> p99PerSecond(List<RecommendationProbe.Seen> paced, long fromEventTimeMillis) {
        List<List<Double>> bySecond = new ArrayList<>();
        for (RecommendationProbe.Seen s : paced) {
            int at = (int) ((s.eventTimeMillis() - fromEventTimeMillis) / 1000);
            while (bySecond.size() <= at) {
                bySecond.add(new ArrayList<>());
            }
            bySecond.get(at).add((double) (s.emitTimeMillis() - s.eventTimeMillis()));
        }
        return bySecond.stream()
                .map(values -> percentileOrNull(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 99))
                .toList();
    }

    private static Double percentileOrNull(double[] sorted, int percent) {
        return sorted.length == 0 ? null : EncoderBenchmark.percentile(sorted, percent);
    }
}
