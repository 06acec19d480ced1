package io.nextitem.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Holds the shipped job config (deploy/nextitem.yaml) against the definitions. The file lists
 * every defined key with its default (its header says so), so an operator sees every knob in one
 * place: every key in it must be defined, every defined key must be in it, and each value must be
 * the default and pass the key's check. A required key (no default, e.g. model.registry) may hold
 * any value that passes.
 */
final class DeployConfigAgreement {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployConfigAgreement() {}

    /** One message per disagreement, each naming the key and what to write; empty when the file agrees. */
    static List<String> disagreements(List<Setting<?, ?>> settings, String yamlText, String source) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(yamlText);
        } catch (IOException e) {
            return List.of(source + " is not valid YAML: " + e.getMessage());
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        flatten(root == null ? NullNode.getInstance() : root, "", settings, JobSettings.sections(settings), values, problems, source);
        for (Setting<?, ?> setting : settings) {
            JsonNode node = values.get(setting.key());
            if (node == null) {
                problems.add(source + " lacks " + setting.key() + ": add it with its default, "
                        + setting.type().render(setting.defaultValue()));
            } else {
                compare(setting, node, problems, source);
            }
        }
        return problems;
    }

    private static <T> void compare(Setting<?, T> setting, JsonNode node, List<String> problems, String source) {
        T value;
        try {
            value = setting.parse(node);
        } catch (IllegalArgumentException e) {
            problems.add(source + ": " + e.getMessage());
            return;
        }
        setting.problems(value).forEach(p -> problems.add(source + ": " + p));
        if (setting.required()) {
            if (value == null) {
                problems.add(source + ": " + setting.key() + " is required: give it a value");
            }
        } else if (!Objects.equals(value, setting.defaultValue())) {
            problems.add(source + " says " + setting.key() + ": " + setting.type().render(value) + " but its default is "
                    + setting.type().render(setting.defaultValue()) + ": the file lists every key with its default, so write "
                    + setting.type().render(setting.defaultValue()) + " (or change the definition and regenerate "
                    + "docs/configuration.md)");
        }
    }

    private static void flatten(JsonNode node, String prefix, List<Setting<?, ?>> settings, Set<String> sections,
                                Map<String, JsonNode> values, List<String> problems, String source) {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problems.add(source + ": " + (prefix.isEmpty() ? "the file" : prefix) + " must be a map of keys");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            boolean defined = settings.stream().anyMatch(s -> s.key().equals(key));
            if (defined) {
                values.put(key, field.getValue());
            } else if (sections.contains(key)) {
                flatten(field.getValue(), key, settings, sections, values, problems, source);
            } else {
                problems.add(source + " has " + key + ", which is not a defined setting: remove it or define it");
            }
        }
    }
}
