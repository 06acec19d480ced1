package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the job reads clicks and writes recommendations and dead letters. */
public class KafkaSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<KafkaSettings> SECTION = Setting.Section.of("kafka", config -> config.kafka);
    static final Setting<KafkaSettings, String> BOOTSTRAP_SERVERS = SECTION.key("bootstrap-servers").stringType()
            .defaultValue("localhost:9092")
            .withDescription("Broker list, host:port[,host:port].")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.bootstrapServers, (k, v) -> k.bootstrapServers = v);
    static final Setting<KafkaSettings, String> CLICKS_TOPIC = SECTION.key("clicks-topic").stringType()
            .defaultValue("clicks")
            .withDescription("Topic the clicks are read from.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.clicksTopic, (k, v) -> k.clicksTopic = v);
    static final Setting<KafkaSettings, String> RECOMMENDATIONS_TOPIC = SECTION.key("recommendations-topic").stringType()
            .defaultValue("recommendations")
            .withDescription("Topic the recommendation lists are written to.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.recommendationsTopic, (k, v) -> k.recommendationsTopic = v);
    static final Setting<KafkaSettings, String> DEAD_LETTER_TOPIC = SECTION.key("dead-letter-topic").stringType()
            .defaultValue("clicks-dlq")
            .withDescription("Topic that clicks which cannot be decoded or are invalid go to, with the reason.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.deadLetterTopic, (k, v) -> k.deadLetterTopic = v);
    static final Setting<KafkaSettings, String> LIVE_QUALITY_TOPIC = SECTION.key("live-quality-topic").stringType()
            .defaultValue("")
            .withDescription("Where each recommendation list judged by the user's next click goes as a LiveJudgement "
                    + "record (live quality, for analysis per version); empty = metrics only.")
            .field(k -> k.liveQualityTopic, (k, v) -> k.liveQualityTopic = v);
    static final Setting<KafkaSettings, String> GROUP_ID = SECTION.key("group-id").stringType()
            .defaultValue("nextitem")
            .withDescription("Consumer group of the clicks source.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.groupId, (k, v) -> k.groupId = v);
    static final Setting<KafkaSettings, String> TRANSACTIONAL_ID_PREFIX = SECTION.key("transactional-id-prefix").stringType()
            .defaultValue("nextitem")
            .withDescription("Prefix of the sinks' transactional ids. Unique per job on a cluster: two jobs sharing it "
                    + "fence each other's transactions.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(k -> k.transactionalIdPrefix, (k, v) -> k.transactionalIdPrefix = v);
    static final Setting<KafkaSettings, Long> TRANSACTION_TIMEOUT_MS = SECTION.key("transaction-timeout-ms").longType()
            .defaultValue(600_000L)
            .withDescription("Producer transaction timeout, in ms. Below the broker's transaction.max.timeout.ms "
                    + "(15 min by default) and above checkpoint.interval-ms: exactly-once sinks keep a transaction "
                    + "open per checkpoint, and the client default of 1 h makes the job restart-loop against a default broker.")
            .checkedBy(Setting.Check.of("between 1 and 900000", (key, value) -> value <= 0 || value > 900_000L
                    ? key + " is " + value + ": set it between 1 and 900000 (the broker default transaction.max.timeout.ms),"
                            + " and above checkpoint.interval-ms" : null))
            .field(k -> k.transactionTimeoutMs, (k, v) -> k.transactionTimeoutMs = v);
    static final Setting<KafkaSettings, String> DELIVERY_GUARANTEE = SECTION.key("delivery-guarantee").stringType()
            .defaultValue("exactly-once")
            .withDescription("exactly-once: transactions committed at each checkpoint, so read_committed consumers see "
                    + "output one checkpoint interval late, never twice. at-least-once: written as produced, flushed "
                    + "at each checkpoint; a recovery may repeat lists. Both sinks follow it.")
            .checkedBy(ConfigChecks.oneOf(List.of("exactly-once", "at-least-once")))
            .field(k -> k.deliveryGuarantee, (k, v) -> k.deliveryGuarantee = v);
    static final Setting<KafkaSettings, String> STARTING_OFFSETS = SECTION.key("starting-offsets").stringType()
            .defaultValue("committed")
            .withDescription("Where the clicks source starts: committed (the group's offsets, earliest when it has "
                    + "none), earliest or latest.")
            .checkedBy(ConfigChecks.oneOf(List.of("earliest", "latest", "committed")))
            .field(k -> k.startingOffsets, (k, v) -> k.startingOffsets = v);
    static final Setting<KafkaSettings, Map<String, String>> PROPERTIES = SECTION.key("properties").stringMapType()
            .defaultValue(Map.of())
            .withDescription("Extra Kafka client properties for the source and both sinks, applied after "
                    + "kafka.security (they win).")
            .field(k -> k.properties, (k, v) -> k.properties = v);
    static final List<Setting<KafkaSettings, ?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, CLICKS_TOPIC,
            RECOMMENDATIONS_TOPIC, DEAD_LETTER_TOPIC, LIVE_QUALITY_TOPIC, GROUP_ID, TRANSACTIONAL_ID_PREFIX,
            TRANSACTION_TIMEOUT_MS, DELIVERY_GUARANTEE, STARTING_OFFSETS, PROPERTIES);

    public String bootstrapServers = BOOTSTRAP_SERVERS.defaultValue();
    public String clicksTopic = CLICKS_TOPIC.defaultValue();
    public String recommendationsTopic = RECOMMENDATIONS_TOPIC.defaultValue();
    public String deadLetterTopic = DEAD_LETTER_TOPIC.defaultValue();
    public String liveQualityTopic = LIVE_QUALITY_TOPIC.defaultValue();
    public String groupId = GROUP_ID.defaultValue();
    public String transactionalIdPrefix = TRANSACTIONAL_ID_PREFIX.defaultValue();
    public long transactionTimeoutMs = TRANSACTION_TIMEOUT_MS.defaultValue();
    public String deliveryGuarantee = DELIVERY_GUARANTEE.defaultValue();
    public String startingOffsets = STARTING_OFFSETS.defaultValue();
    /** Authentication and TLS (SASL_SSL with SCRAM, or mutual TLS); PLAINTEXT by default. */
    public KafkaSecuritySettings security = new KafkaSecuritySettings();
    public Map<String, String> properties = new LinkedHashMap<>(PROPERTIES.defaultValue());

    /** Every client setting the job's Kafka clients get: security first, then the extra properties. */
    public Map<String, String> clientProperties() {
        Map<String, String> all = new LinkedHashMap<>(security.clientProperties());
        all.putAll(properties);
        return all;
    }

    public boolean exactlyOnce() {
        return "exactly-once".equals(deliveryGuarantee);
    }

    /** The checks of each key, then the rules that span keys. */
    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
        security.validate(errors);
        if (liveQualityTopic != null && !liveQualityTopic.isEmpty()
                && List.of(clicksTopic, recommendationsTopic, deadLetterTopic).contains(liveQualityTopic)) {
            errors.add("kafka.live-quality-topic '" + liveQualityTopic + "' must differ from the other topics");
        }
        if (clicksTopic != null && (clicksTopic.equals(recommendationsTopic) || clicksTopic.equals(deadLetterTopic))) {
            errors.add("kafka.clicks-topic '" + clicksTopic + "' must differ from the output topics");
        }
    }
}
