package io.nextitem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every job setting, in the order the reference and a written config list them. A key is defined
 * once, beside the field that holds it (e.g. {@link SequenceSettings#MAX_LENGTH}); this only
 * gathers them.
 */
public final class JobSettings {
    /** Every definition, top-level keys first, then section by section. */
    public static final List<Setting<?, ?>> ALL = gather();

    /** Keys that no longer exist, each with what to write instead. */
    static final List<RetiredKey> RETIRED = List.of(SequenceSettings.TTL_HOURS);

    private static final Map<String, Setting<?, ?>> BY_KEY = ALL.stream()
            .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> {
                throw new IllegalStateException("job setting " + a.key() + " is defined twice");
            }, LinkedHashMap::new));

    private JobSettings() {}

    private static List<Setting<?, ?>> gather() {
        List<Setting<?, ?>> all = new ArrayList<>();
        all.addAll(JobConfig.SETTINGS);
        all.addAll(KafkaSettings.SETTINGS);
        all.addAll(KafkaSecuritySettings.SETTINGS);
        all.addAll(WatermarkSettings.SETTINGS);
        all.addAll(DecoderSettings.SETTINGS);
        all.addAll(SequenceSettings.SETTINGS);
        all.addAll(ModelSettings.SETTINGS);
        all.addAll(CheckpointSettings.SETTINGS);
        all.addAll(SnapshotSettings.SETTINGS);
        all.addAll(StateSettings.SETTINGS);
        all.addAll(ItemsSettings.SETTINGS);
        all.addAll(CanarySettings.SETTINGS);
        return List.copyOf(all);
    }

    public static Optional<Setting<?, ?>> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    static Optional<RetiredKey> retired(String key) {
        return RETIRED.stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /** The defined key closest to a misspelt one, if one is close. */
    static Optional<String> closest(List<Setting<?, ?>> settings, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting<?, ?> setting : settings) {
            int distance = distance(setting.key(), key);
            if (distance < bestDistance) {
                best = setting.key();
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 6) ? Optional.ofNullable(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The keys of the sections, as YAML nests them: "kafka", "kafka.security", ... */
    static Set<String> sections(List<Setting<?, ?>> settings) {
        return settings.stream().map(Setting::key).filter(k -> k.contains("."))
                .flatMap(k -> {
                    List<String> prefixes = new ArrayList<>();
                    for (int dot = k.indexOf('.'); dot > 0; dot = k.indexOf('.', dot + 1)) {
                        prefixes.add(k.substring(0, dot));
                    }
                    return prefixes.stream();
                })
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** A key that was replaced; the message says what to write now. */
    record RetiredKey(String key, Function<JsonNode, String> message) {}
}
