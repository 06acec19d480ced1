package io.nextitem.tools.bench;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.inference.SearchPlan;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the full job's cost grows with the catalogue: for each model version (one per catalogue
 * size) and each search variant (the exact graph, approximate search at some search depths), the
 * job's maximum rate exactly-once, the inference-path p99 at-least-once at half that rate, and
 * recall@10 of the served lists against the first variant's lists for the same clicks (the exact
 * top-10 of the same model, seen items excluded, since the job excludes them either way). The
 * version's item vectors and search index are described from its folder: bytes per item, and the
 * index's own record of how it was built.
 */
final class ScalingStage {
    static final int RECALL_AT = 10;

    private ScalingStage() {}

    static Map<String, Object> run(String bootstrap, Path work, BenchSettings settings, PrintStream log) throws Exception {
        List<SettingsVariant> variants = SettingsVariant.parseAll("--search-variant", settings.searchVariants());
        List<Map<String, Object>> catalogues = new ArrayList<>();
        for (int v = 0; v < settings.scalingVersions().size(); v++) {
            Path folder = settings.scalingVersions().get(v);
            ModelVersion version = ModelVersion.load(folder);
            Path registry = work.resolve("registry-" + version.version());
            Files.createDirectories(registry);
            Files.createSymbolicLink(registry.resolve(version.version()), folder.toAbsolutePath());
            log.printf("scaling: %s, %,d items%n", version.version(), version.manifest().numItems());

            int fillRounds = version.manifest().maxSeqLen();
            List<ClickEvent> clicks;
            int warmClicks;
            if (settings.scalingClicks().isEmpty()) {
                clicks = BenchClicks.rounds(settings.users(), fillRounds + settings.measuredRounds(), version.items(),
                        settings.seed(), "s-", System.currentTimeMillis() - 86_400_000L);
                warmClicks = settings.users() * fillRounds; // every sequence full before the measured rounds
            } else {
                clicks = LogRequests.sample(settings.scalingClicks().get(v), settings.scalingUserShare(v), settings.seed());
                warmClicks = clicks.size() / 10; // a log has no fill rounds: the rate leaves out its first tenth
            }
            String clicksTopic = "bench-scaling-" + version.version();
            KafkaTopics.create(bootstrap, 2, List.of(clicksTopic));
            try (ClickReplayer producer = new ClickReplayer(bootstrap, clicksTopic)) {
                producer.replay(clicks, 0, null);
            }
            Map<String, Object> catalogue = describe(version);
            catalogue.put("requests", settings.scalingClicks().isEmpty() ? "random sequences of the catalogue's items"
                    : "the sampled users' clicks of " + settings.scalingClicks().get(v).getFileName());
            catalogue.put("clicks", clicks.size());
            List<Map<String, Object>> rows = new ArrayList<>();
            List<RecommendationProbe.Seen> reference = null;
            for (SettingsVariant variant : variants) {
                BenchSettings varied = settings.withJobSettings(variant.assignments());
                ThroughputStage.Measured measured = ThroughputStage.measure("scaling " + variant.name(), bootstrap,
                        registry, work, clicksTopic, clicks.size(), warmClicks, fillRounds, varied,
                        settings.batchMaxSize(), true, log);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("variant", variant.name());
                row.put("settings", variant.assignments());
                row.put("search", SearchPlan.describe(version, JobConfigLoader.override(new JobConfig(),
                        variant.assignments(), "--search-variant " + variant.name()).model));
                row.putAll(measured.figures());
                if (reference == null) {
                    reference = measured.lastRunLists();
                } else {
                    row.putAll(Recall.of(reference, measured.lastRunLists(), RECALL_AT).describe(variants.get(0).name()));
                }
                double rate = (Double) measured.figures().get("events_per_s_median");
                // with a log, the p99 is taken on its clicks too: the queries the rate was measured on
                Map<String, Object> latency = LatencyStage.run(bootstrap, registry, work, version.items(), fillRounds,
                        varied, rate / 2, false, settings.scalingClicks().isEmpty() ? null : clicks, log);
                row.put("latency_at_half_rate", latency);
                rows.add(row);
                log.printf("  %s: %,.0f events/s, p99 %s ms at half, %s%n", variant.name(), rate,
                        latency.get("inference_path_ms_p99"), row.getOrDefault("recall_at_10", "reference"));
            }
            catalogue.put("variants", rows);
            catalogues.add(catalogue);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reference_variant", variants.get(0).name());
        out.put("recall_at", RECALL_AT);
        out.put("delivery", "exactly-once for events/s and recall; at-least-once for the p99 at half that rate");
        out.put("catalogues", catalogues);
        return out;
    }

    /** Catalogue size and the bytes its search needs, from the version folder. */
    static Map<String, Object> describe(ModelVersion version) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        long items = version.manifest().numItems();
        out.put("version", version.version());
        out.put("num_items", items);
        Path vectors = version.folder().resolve("item_vectors.npy");
        out.put("item_vectors_bytes_per_item", Files.isRegularFile(vectors)
                ? ThroughputStage.round(Files.size(vectors) / (double) items) : null);
        out.put("model_onnx_bytes_per_item", ThroughputStage.round(Files.size(version.folder().resolve("model.onnx")) / (double) items));
        Path index = version.folder().resolve("ann");
        if (Files.isDirectory(index)) {
            out.put("index_bytes_per_item", ThroughputStage.round(StateScaleStage.bytesUnder(index) / (double) items));
            Path record = index.resolve("index.json");
            if (Files.isRegularFile(record)) {
                out.put("index", new com.fasterxml.jackson.databind.ObjectMapper().readValue(record.toFile(), Map.class));
            }
        }
        return out;
    }
}
