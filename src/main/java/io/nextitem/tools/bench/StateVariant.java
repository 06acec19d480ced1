package io.nextitem.tools.bench;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One setting of the state stage's side-by-side comparison: a name and the job settings it
 * changes ({@code partitioned:state.rocksdb-partitioned-index-filters=true}), applied through the
 * same definitions a config file goes through, so a misspelt key fails before anything runs.
 */
record StateVariant(String name, List<String> assignments) {

    /** {@code NAME} (the job's settings unchanged) or {@code NAME:key=value,key=value}. */
    static StateVariant parse(String text) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).strip();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("--state-variant '" + text + "': the name before ':' must be letters, digits, '.', '_' or '-'");
        }
        List<String> assignments = colon < 0 ? List.of()
                : Arrays.stream(text.substring(colon + 1).split(",")).map(String::strip).filter(a -> !a.isEmpty()).toList();
        StateVariant variant = new StateVariant(name, assignments);
        // A bad key, type or value fails here, before anything runs, with every problem named.
        JobConfig changed = JobConfigLoader.override(new JobConfig(), assignments, "--state-variant " + name);
        List<String> problems = changed.validate().stream()
                .filter(problem -> assignments.stream().anyMatch(a -> problem.contains(a.split("=", 2)[0].strip())))
                .toList();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--state-variant " + name + ": " + String.join("; ", problems));
        }
        return variant;
    }

    static List<StateVariant> parseAll(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("--state-variant: give at least one (e.g. default)");
        }
        List<StateVariant> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String text : texts) {
            StateVariant variant = parse(text);
            if (!names.add(variant.name())) {
                throw new IllegalArgumentException("--state-variant: the name '" + variant.name() + "' is given twice");
            }
            out.add(variant);
        }
        return out;
    }

    JobConfig applyTo(JobConfig config) {
        return JobConfigLoader.override(config, assignments, "--state-variant " + name).validated();
    }
}
