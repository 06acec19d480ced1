package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.avro.ItemUpdate;
import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.config.JobConfig;
import io.nextitem.items.ItemUpdateFile;
import io.nextitem.items.ItemUpdatePublisher;
import io.nextitem.model.ModelUpdatePublisher;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.demo.ClasspathFolder;
import io.nextitem.tools.kafka.KafkaTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What the product controls cost: the full job's rate side by side with item rules (a fifth of
 * the catalogue unavailable, every item in one of five categories, at most 4 of a category per
 * list) and with a canary's second version (half the users on a copy of the version; then every
 * user scored twice, in shadow), each against the same job without them, in one run.
 */
final class ControlsStage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CATEGORIES = 5;
    private static final int MAX_PER_CATEGORY = 4;

    private ControlsStage() {}

    private record Variant(String name, String description, UnaryOperator<JobConfig> change) {}

    static Map<String, Object> run(String bootstrap, ModelVersion version, Path work, String clicksTopic, int totalClicks,
                                   int fillClicks, int sequenceLength, BenchSettings settings, PrintStream log)
            throws Exception {
        Path registry = Files.createDirectories(work.resolve("controls-registry"));
        String serving = version.version();
        String candidate = serving + "-candidate";
        copyVersion(version.folder(), registry.resolve(serving), serving);
        copyVersion(version.folder(), registry.resolve(candidate), candidate);

        String itemsTopic = "bench-controls-items";
        KafkaTopics.create(bootstrap, 1, List.of(itemsTopic));
        int unavailable = publishRules(bootstrap, itemsTopic, version, settings.seed());
        String canaryTopic = canaryTopic(bootstrap, "bench-controls-canary", candidate, 0.5, false);
        String shadowTopic = canaryTopic(bootstrap, "bench-controls-shadow", candidate, 1.0, true);

        List<Variant> variants = List.of(
                new Variant("off", "no item rules, no canary", config -> config),
                new Variant("item-rules", unavailable + " of " + version.items().size() + " items unavailable, "
                        + CATEGORIES + " categories, at most " + MAX_PER_CATEGORY + " per list", config -> {
                    config.items.topic = itemsTopic;
                    config.items.maxPerCategory = MAX_PER_CATEGORY;
                    return config;
                }),
                new Variant("canary-50", "half the users on a second version (a copy)", config -> watching(config, canaryTopic)),
                new Variant("shadow-100", "every user scored by both versions, the candidate in shadow",
                        config -> watching(config, shadowTopic)));
        // Interleaved: a warm-up round of every variant, then each repetition runs every variant
        // once, so a drift of the machine over the run (measured at 10-15% on this VM) falls on
        // all of them alike instead of on whichever ran first.
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, ThroughputStage.Measured> last = new LinkedHashMap<>();
        for (int round = 1 - settings.warmupRuns(); round <= settings.repetitions(); round++) {
            for (Variant variant : variants) {
                String label = "controls " + variant.name() + (round <= 0 ? " (warm-up, not counted)" : " round " + round);
                ThroughputStage.Measured measured = ThroughputStage.measure(label, bootstrap, registry, work, clicksTopic,
                        totalClicks, fillClicks, sequenceLength, settings.withRuns(1, 0), settings.batchMaxSize(), true,
                        config -> {
                            config.model.version = serving;
                            return variant.change().apply(config);
                        }, log);
                if (round > 0) {
                    rates.computeIfAbsent(variant.name(), v -> new ArrayList<>())
                            .add((Double) measured.figures().get("events_per_s_median"));
                    last.put(variant.name(), measured);
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        double off = ThroughputStage.median(rates.get("off"));
        for (Variant variant : variants) {
            double rate = ThroughputStage.median(rates.get(variant.name()));
            List<RecommendationProbe.Seen> lists = last.get(variant.name()).lastRunLists();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("variant", variant.name());
            row.put("what", variant.description());
            row.put("events_per_s", ThroughputStage.round(rate));
            row.put("x_off", Math.round(rate / off * 1000) / 1000.0);
            row.put("events_per_s_runs", rates.get(variant.name()).stream().map(ThroughputStage::round).toList());
            row.put("lists_from_candidate_last_run", lists.stream().filter(l -> candidate.equals(l.modelVersion())).count());
            row.put("lists_last_run", lists.size());
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("delivery", "exactly-once");
        out.put("protocol", "one warm-up round of every variant, then " + settings.repetitions()
                + " rounds each running every variant once (interleaved); the median per variant");
        out.put("reference_variant", "off");
        out.put("rows", rows);
        return out;
    }

    private static JobConfig watching(JobConfig config, String updatesTopic) {
        config.model.updatesTopic = updatesTopic;
        config.model.watchIntervalMs = 200; // the canary starts within the fill rounds
        return config;
    }

    /** A fifth of the items unavailable (seeded), every item in one of five categories. */
    private static int publishRules(String bootstrap, String topic, ModelVersion version, long seed)
            throws IOException, InterruptedException {
        List<String> items = new ArrayList<>();
        for (int index = 1; index <= version.items().size(); index++) {
            items.add(version.items().idOf(index));
        }
        List<String> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, new Random(seed));
        java.util.Set<String> gone = new java.util.HashSet<>(shuffled.subList(0, items.size() / 5));
        List<ItemUpdateFile.Entry> entries = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            entries.add(new ItemUpdateFile.Entry(item, ItemUpdate.newBuilder().setItemId(item)
                    .setAvailable(!gone.contains(item)).setCategory("c" + (i % CATEGORIES)).setUpdatedAtMillis(0L).build()));
        }
        ItemUpdatePublisher.publish(bootstrap, Map.of(), topic, entries);
        return gone.size();
    }

    private static String canaryTopic(String bootstrap, String topic, String candidate, double share, boolean shadow)
            throws Exception {
        KafkaTopics.create(bootstrap, 1, List.of(topic));
        ModelUpdatePublisher.publish(bootstrap, Map.of(), topic, ModelUpdate.newBuilder().setAction(ModelUpdateAction.CANARY)
                .setVersion(candidate).setShare(share).setShadow(shadow).setIssuedBy("bench controls")
                .setIssuedAtMillis(System.currentTimeMillis()).build());
        return topic;
    }

    /** A copy of a version under another name (the manifest's version must match its folder). */
    private static void copyVersion(Path source, Path target, String name) throws IOException {
        ClasspathFolder.copyTree(source, target);
        ObjectNode manifest = (ObjectNode) JSON.readTree(source.resolve("manifest.json").toFile());
        manifest.put("version", name);
        JSON.writerWithDefaultPrettyPrinter().writeValue(target.resolve("manifest.json").toFile(), manifest);
    }
}
