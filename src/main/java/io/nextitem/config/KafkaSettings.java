package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the job reads clicks and writes recommendations and dead letters. */
public class KafkaSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Broker list, host:port[,host:port]. */
    public String bootstrapServers = "localhost:9092";
    public String clicksTopic = "clicks";
    public String recommendationsTopic = "recommendations";
    public String deadLetterTopic = "clicks-dlq";
    /** Where each judged list goes as a LiveJudgement record (live quality, for analysis); empty = not written. */
    public String liveQualityTopic = "";
    public String groupId = "nextitem";
    /** Must be unique per job on a cluster: two jobs sharing it fence each other's transactions. */
    public String transactionalIdPrefix = "nextitem";
    /**
     * Producer transaction timeout. Must stay below the broker's transaction.max.timeout.ms
     * (15 min by default) and above the checkpoint interval; the client default of 1 h makes
     * the job restart-loop against a default broker.
     */
    public long transactionTimeoutMs = 600_000L;
    /**
     * exactly-once (transactions committed at each checkpoint: consumers reading read_committed
     * see output one checkpoint interval late, never twice) | at-least-once (written as produced,
     * flushed at each checkpoint; a recovery may repeat lists). Both sinks follow it.
     */
    public String deliveryGuarantee = "exactly-once";
    /** earliest | latest | committed (committed offsets, earliest when the group has none). */
    public String startingOffsets = "committed";
    /** Authentication and TLS (SASL_SSL with SCRAM, or mutual TLS); PLAINTEXT by default. */
    public KafkaSecuritySettings security = new KafkaSecuritySettings();
    /** Extra client properties passed to source and sinks (they override what security sets). */
    public Map<String, String> properties = new LinkedHashMap<>();

    /** Every client setting the job's Kafka clients get: security first, then the extra properties. */
    public Map<String, String> clientProperties() {
        Map<String, String> all = new LinkedHashMap<>(security.clientProperties());
        all.putAll(properties);
        return all;
    }

    public boolean exactlyOnce() {
        return "exactly-once".equals(deliveryGuarantee);
    }

    void validate(List<String> errors) {
        ConfigChecks.nonBlank(errors, "kafka.bootstrap-servers", bootstrapServers);
        security.validate(errors);
        ConfigChecks.nonBlank(errors, "kafka.clicks-topic", clicksTopic);
        ConfigChecks.nonBlank(errors, "kafka.recommendations-topic", recommendationsTopic);
        ConfigChecks.nonBlank(errors, "kafka.dead-letter-topic", deadLetterTopic);
        ConfigChecks.nonBlank(errors, "kafka.group-id", groupId);
        ConfigChecks.nonBlank(errors, "kafka.transactional-id-prefix", transactionalIdPrefix);
        if (transactionTimeoutMs <= 0 || transactionTimeoutMs > 900_000L) {
            errors.add("kafka.transaction-timeout-ms is " + transactionTimeoutMs
                    + ": set it between 1 and 900000 (the broker default transaction.max.timeout.ms),"
                    + " and above checkpoint.interval-ms");
        }
        if (!List.of("earliest", "latest", "committed").contains(startingOffsets)) {
            errors.add("kafka.starting-offsets is '" + startingOffsets + "': use earliest, latest or committed");
        }
        if (!List.of("exactly-once", "at-least-once").contains(deliveryGuarantee)) {
            errors.add("kafka.delivery-guarantee is '" + deliveryGuarantee + "': use exactly-once or at-least-once");
        }
        if (liveQualityTopic != null && !liveQualityTopic.isEmpty()
                && List.of(clicksTopic, recommendationsTopic, deadLetterTopic).contains(liveQualityTopic)) {
            errors.add("kafka.live-quality-topic '" + liveQualityTopic + "' must differ from the other topics");
        }
        if (clicksTopic != null && (clicksTopic.equals(recommendationsTopic) || clicksTopic.equals(deadLetterTopic))) {
            errors.add("kafka.clicks-topic '" + clicksTopic + "' must differ from the output topics");
        }
    }
}
