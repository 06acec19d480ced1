package io.nextitem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One job setting, defined once: its key, type, default, description and check, and the field of
 * its section that holds it. The loader reads YAML through these definitions, {@link JobConfig#validate()}
 * checks through them, and docs/configuration.md is generated from them ({@link ConfigReference}).
 *
 * <p>Shaped like Flink's {@code ConfigOptions.key(..).intType().defaultValue(..).withDescription(..)},
 * but our own type rather than Flink's {@code ConfigOption}/{@code Configuration}: the job's
 * configuration is an object graph of typed sections that the whole code base reads as fields
 * ({@code config.kafka.clicksTopic}) and that travels with the job graph, while Flink's
 * {@code Configuration} is a flat string map whose options carry no check and no field. A
 * setting here binds its key to a field and carries the check whose message says what to change.
 *
 * @param <O> the section object holding the field ({@link JobConfig} for top-level keys)
 * @param <T> the value's type
 */
public final class Setting<O, T> {
    private final Section<O> section;
    private final String name;
    private final SettingType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final String description;
    private final List<Check<T>> checks;
    private final Predicate<O> checkedWhen;
    private final String checkedWhenText;
    private final Function<O, T> getter;
    private final BiConsumer<O, T> setter;

    private Setting(Builder<O, T> b, T defaultValue) {
        this.section = b.section;
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = defaultValue;
        this.required = b.required;
        this.description = b.description;
        this.checks = List.copyOf(b.checks);
        this.checkedWhen = b.checkedWhen;
        this.checkedWhenText = b.checkedWhenText;
        this.getter = b.getter;
        this.setter = b.setter;
    }

    /** The full YAML key, e.g. {@code sequence.max-length}. */
    public String key() {
        return section.prefix().isEmpty() ? name : section.prefix() + "." + name;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** A setting with no default that every config must give (the job cannot guess it). */
    public boolean required() {
        return required;
    }

    public String description() {
        return description;
    }

    public SettingType<T> type() {
        return type;
    }

    /** What the checks accept, in words (for the reference); empty when anything of the type is. */
    public String accepted() {
        List<String> parts = new ArrayList<>();
        checks.forEach(check -> parts.add(check.description()));
        String text = String.join("; ", parts);
        return checkedWhenText == null || text.isEmpty() ? text : text + " (checked " + checkedWhenText + ")";
    }

    /** The same definition with another default: what the agreement tests change to prove they notice. */
    public Setting<O, T> withDefault(T otherDefault) {
        Builder<O, T> b = new Builder<>(section, name, type);
        b.required = required;
        b.description = description;
        b.checks.addAll(checks);
        b.checkedWhen = checkedWhen;
        b.checkedWhenText = checkedWhenText;
        b.getter = getter;
        b.setter = setter;
        return new Setting<>(b, otherDefault);
    }

    /** The value in a config. */
    public T get(JobConfig config) {
        return getter.apply(section.of(config));
    }

    /** Reads a YAML value into a config; throws IllegalArgumentException saying what the key wants. */
    void read(JobConfig config, JsonNode node) {
        setter.accept(section.of(config), parse(node));
    }

    /** A YAML value as this setting's type; IllegalArgumentException saying what the key wants. */
    T parse(JsonNode node) {
        return type.parse(key(), node);
    }

    /** Adds a message per failed check of the section's value, each naming the key. */
    void check(O sectionObject, List<String> errors) {
        if (checkedWhen != null && !checkedWhen.test(sectionObject)) {
            return;
        }
        problems(getter.apply(sectionObject)).forEach(errors::add);
    }

    /** What is wrong with a value, one message per failed check, whatever the rest of the config says. */
    List<String> problems(T value) {
        List<String> problems = new ArrayList<>();
        for (Check<T> check : checks) {
            String problem = check.problem(key(), value);
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    /** Checks every setting of one section. */
    static <O> void checkAll(List<Setting<O, ?>> settings, O sectionObject, List<String> errors) {
        settings.forEach(setting -> setting.check(sectionObject, errors));
    }

    @Override
    public String toString() {
        return key() + " (" + type.name() + ", default " + type.render(defaultValue) + ")";
    }

    /** A group of keys under one prefix, held by one section object of the config. */
    public static final class Section<O> {
        private final String prefix;
        private final Function<JobConfig, O> ofConfig;

        private Section(String prefix, Function<JobConfig, O> ofConfig) {
            this.prefix = prefix;
            this.ofConfig = ofConfig;
        }

        /** @param prefix the YAML path of the section, "" for the top level */
        public static <O> Section<O> of(String prefix, Function<JobConfig, O> ofConfig) {
            return new Section<>(prefix, ofConfig);
        }

        public String prefix() {
            return prefix;
        }

        O of(JobConfig config) {
            return ofConfig.apply(config);
        }

        /** Starts a definition: {@code SECTION.key("max-length").intType().defaultValue(50)...}. */
        public TypeStep<O> key(String name) {
            return new TypeStep<>(this, name);
        }
    }

    /** Picks the value type, as Flink's {@code ConfigOptions.OptionBuilder} does. */
    public static final class TypeStep<O> {
        private final Section<O> section;
        private final String name;

        private TypeStep(Section<O> section, String name) {
            this.section = section;
            this.name = name;
        }

        public Builder<O, Integer> intType() {
            return new Builder<>(section, name, SettingType.INT);
        }

        public Builder<O, Long> longType() {
            return new Builder<>(section, name, SettingType.LONG);
        }

        public Builder<O, Double> doubleType() {
            return new Builder<>(section, name, SettingType.DOUBLE);
        }

        public Builder<O, Boolean> booleanType() {
            return new Builder<>(section, name, SettingType.BOOLEAN);
        }

        public Builder<O, String> stringType() {
            return new Builder<>(section, name, SettingType.STRING);
        }

        public Builder<O, Map<String, String>> stringMapType() {
            return new Builder<>(section, name, SettingType.STRING_MAP);
        }

        public Builder<O, Map<Integer, String>> intKeyedStringMapType() {
            return new Builder<>(section, name, SettingType.INT_KEYED_STRING_MAP);
        }
    }

    /** The rest of a definition; {@link #field} ends it. */
    public static final class Builder<O, T> {
        private final Section<O> section;
        private final String name;
        private final SettingType<T> type;
        private T defaultValue;
        private boolean defaultGiven;
        private boolean required;
        private String description = "";
        private final List<Check<T>> checks = new ArrayList<>();
        private Predicate<O> checkedWhen;
        private String checkedWhenText;
        private Function<O, T> getter;
        private BiConsumer<O, T> setter;

        private Builder(Section<O> section, String name, SettingType<T> type) {
            this.section = section;
            this.name = name;
            this.type = type;
        }

        /** The value when the config does not give the key (maps: an empty one, copied per config). */
        public Builder<O, T> defaultValue(T value) {
            this.defaultValue = value;
            this.defaultGiven = true;
            return this;
        }

        /** Optional, with no value unless the config gives one (null). */
        public Builder<O, T> noDefaultValue() {
            this.defaultGiven = true;
            return this;
        }

        /** No default: every config must give it. */
        public Builder<O, T> requiredValue() {
            this.required = true;
            this.defaultGiven = true;
            return this;
        }

        public Builder<O, T> withDescription(String text) {
            this.description = text;
            return this;
        }

        public Builder<O, T> checkedBy(Check<T> check) {
            checks.add(check);
            return this;
        }

        /** The checks apply only when the rest of the section says so (e.g. a feature switched on). */
        public Builder<O, T> checkedOnlyWhen(Predicate<O> when, String inWords) {
            this.checkedWhen = when;
            this.checkedWhenText = inWords;
            return this;
        }

        public Setting<O, T> field(Function<O, T> get, BiConsumer<O, T> set) {
            if (!defaultGiven) {
                throw new IllegalStateException(name + ": say defaultValue, noDefaultValue or requiredValue");
            }
            this.getter = get;
            this.setter = set;
            return new Setting<>(this, defaultValue);
        }
    }

    /** A value check: what it accepts in words, and the message (naming the key) when a value fails. */
    public interface Check<T> {
        String description();

        /** @return null when the value passes, else a message with the key, the value and what to change */
        String problem(String key, T value);

        static <T> Check<T> of(String description, java.util.function.BiFunction<String, T, String> problem) {
            return new Check<>() {
                @Override
                public String description() {
                    return description;
                }

                @Override
                public String problem(String key, T value) {
                    return problem.apply(key, value);
                }
            };
        }
    }

}
