package io.nextitem.tools.bench;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One setting of a side-by-side comparison (the state stage's {@code --state-variant}, the
 * scaling stage's {@code --search-variant}): a name and the job settings it changes
 * ({@code partitioned:state.rocksdb-partitioned-index-filters=true}), applied through the same
 * definitions a config file goes through, so a misspelt key fails before anything runs.
 */
record SettingsVariant(String name, List<String> assignments) {

    /** {@code NAME} (the job's settings unchanged) or {@code NAME:key=value,key=value}. */
    static SettingsVariant parse(String option, String text) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).strip();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException(option + " '" + text + "': the name before ':' must be letters, digits, '.', '_' or '-'");
        }
        List<String> assignments = colon < 0 ? List.of()
                : Arrays.stream(text.substring(colon + 1).split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList();
        SettingsVariant variant = new SettingsVariant(name, assignments);
        // A bad key, type or value fails here, before anything runs, with every problem named.
        JobConfig changed = JobConfigLoader.override(new JobConfig(), assignments, option + " " + name);
        List<String> problems = changed.validate().stream()
                .filter(problem -> assignments.stream().anyMatch(a -> problem.contains(a.split("=", 2)[0].strip())))
                .toList();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(option + " " + name + ": " + String.join("; ", problems));
        }
        return variant;
    }

    static List<SettingsVariant> parseAll(String option, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(option + ": give at least one (e.g. default)");
        }
        List<SettingsVariant> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String text : texts) {
            SettingsVariant variant = parse(option, text);
            if (!names.add(variant.name())) {
                throw new IllegalArgumentException(option + ": the name '" + variant.name() + "' is given twice");
            }
            out.add(variant);
        }
        return out;
    }

    JobConfig applyTo(JobConfig config) {
        return JobConfigLoader.override(config, assignments, "variant " + name).validated();
    }
}
