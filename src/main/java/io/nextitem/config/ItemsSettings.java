package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/**
 * The item catalogue as a stream of rules (schemas/avro/ItemUpdate.avsc): which topic holds them,
 * how deep the model ranks so that filtered lists stay K long, and the per-category cap.
 * Off (no items stage in the job) while {@code items.topic} is empty.
 */
public class ItemsSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<ItemsSettings> SECTION = Setting.Section.of("items", config -> config.items);
    static final Setting<ItemsSettings, String> TOPIC = SECTION.key("topic").stringType()
            .defaultValue("")
            .withDescription("Compacted topic of ItemUpdate records (key = item id): items unavailable, blocked, "
                    + "outside their validity window, or over their category's cap are left out of every list. "
                    + "The job serves no list until it has read this topic to its end at start. Empty = no item rules.")
            .field(i -> i.topic, (i, v) -> i.topic = v);
    static final Setting<ItemsSettings, Integer> CANDIDATE_DEPTH = SECTION.key("candidate-depth").intType()
            .defaultValue(20)
            .withDescription("Candidates the model ranks beyond model.top-k, so a list keeps model.top-k items from "
                    + "the model when rules leave some out; what the rules still leave open is filled from popularity, "
                    + "filtered alike. An exact version offers at most its graph's K' (top_k_graph) less the user's "
                    + "seen items. Used only with items.topic set.")
            .checkedBy(ConfigChecks.between(0, 10_000))
            .field(i -> i.candidateDepth, (i, v) -> i.candidateDepth = v);
    static final Setting<ItemsSettings, Integer> MAX_PER_CATEGORY = SECTION.key("max-per-category").intType()
            .defaultValue(0)
            .withDescription("At most this many items of one category (ItemUpdate.category) in a list, for diversity; "
                    + "0 = no cap. Items without a category count against none.")
            .checkedBy(ConfigChecks.between(0, 10_000))
            .field(i -> i.maxPerCategory, (i, v) -> i.maxPerCategory = v);
    static final List<Setting<ItemsSettings, ?>> SETTINGS = List.of(TOPIC, CANDIDATE_DEPTH, MAX_PER_CATEGORY);

    public String topic = TOPIC.defaultValue();
    public int candidateDepth = CANDIDATE_DEPTH.defaultValue();
    public int maxPerCategory = MAX_PER_CATEGORY.defaultValue();

    /** Whether the job has an items stage. */
    public boolean enabled() {
        return topic != null && !topic.isBlank();
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
