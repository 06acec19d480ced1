package io.nextitem.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole job configuration, read from YAML by {@link JobConfigLoader} (keys in kebab-case).
 * Each key is defined once, as a {@link Setting} beside its field ({@link JobSettings} lists them
 * all, docs/configuration.md is generated from them); {@link #validate()} lists everything that
 * must change before the job can start.
 */
public class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<JobConfig> SECTION = Setting.Section.of("", config -> config);
    static final Setting<JobConfig, Integer> PARALLELISM = SECTION.key("parallelism").intType()
            .defaultValue(1)
            .withDescription("Parallelism of every operator of the job.")
            .checkedBy(ConfigChecks.between(1, 4096))
            .field(c -> c.parallelism, (c, v) -> c.parallelism = v);
    // Flink ships 100 ms, a throughput setting: at moderate rates every click then waits up to
    // that long between decode and sequence state; a recommendation answers a click.
    static final Setting<JobConfig, Long> NETWORK_BUFFER_TIMEOUT_MS = SECTION.key("network-buffer-timeout-ms").longType()
            .defaultValue(10L)
            .withDescription("How long a network buffer between tasks may wait to fill before it is sent, in ms. "
                    + "Flink's own default of 100 ms (for throughput) adds up to that much to every click; "
                    + "larger trades latency for fewer, fuller buffers.")
            .checkedBy(ConfigChecks.between(0, 60_000))
            .field(c -> c.networkBufferTimeoutMs, (c, v) -> c.networkBufferTimeoutMs = v);
    static final List<Setting<JobConfig, ?>> SETTINGS = List.of(PARALLELISM, NETWORK_BUFFER_TIMEOUT_MS);

    public int parallelism = PARALLELISM.defaultValue();
    public long networkBufferTimeoutMs = NETWORK_BUFFER_TIMEOUT_MS.defaultValue();
    public KafkaSettings kafka = new KafkaSettings();
    public WatermarkSettings watermarks = new WatermarkSettings();
    public DecoderSettings decoder = new DecoderSettings();
    public SequenceSettings sequence = new SequenceSettings();
    public ModelSettings model = new ModelSettings();
    public CheckpointSettings checkpoint = new CheckpointSettings();
    public SnapshotSettings snapshots = new SnapshotSettings();
    public StateSettings state = new StateSettings();
    public ItemsSettings items = new ItemsSettings();
    public CanarySettings canary = new CanarySettings();

    /**
     * Defaults with every name on the broker made from {@code run} (clicks-RUN, recommendations-RUN,
     * clicks-dlq-RUN, consumer group and transactional ids PREFIX-RUN), read from the earliest
     * offset: runs sharing one broker (tests, benchmarks, the reliability suite) never meet,
     * and no run fences another's transactions.
     */
    public static JobConfig isolatedRun(String bootstrapServers, String prefix, String run) {
        JobConfig config = new JobConfig();
        config.kafka.bootstrapServers = bootstrapServers;
        config.kafka.clicksTopic = "clicks-" + run;
        config.kafka.recommendationsTopic = "recommendations-" + run;
        config.kafka.deadLetterTopic = "clicks-dlq-" + run;
        config.kafka.groupId = prefix + "-" + run;
        config.kafka.transactionalIdPrefix = prefix + "-" + run;
        config.kafka.startingOffsets = "earliest";
        return config;
    }

    /** @return one message per problem, each naming the key and what to change; empty when valid */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        Setting.checkAll(SETTINGS, this, errors);
        kafka.validate(errors);
        watermarks.validate(errors);
        decoder.validate(errors);
        sequence.validate(errors);
        model.validate(errors);
        checkpoint.validate(errors);
        snapshots.validate(errors);
        state.validate(errors);
        items.validate(errors);
        canary.validate(errors);
        if (canary.auto && !model.readsUpdates()) {
            errors.add("canary.auto needs model.updates-topic: the judge writes its decisions there");
        }
        if (items.enabled() && List.of(kafka.clicksTopic, kafka.recommendationsTopic, kafka.deadLetterTopic,
                kafka.liveQualityTopic, model.updatesTopic).contains(items.topic)) {
            errors.add("items.topic '" + items.topic + "' must differ from the job's other topics");
        }
        if (kafka.transactionTimeoutMs <= checkpoint.intervalMs) {
            errors.add("kafka.transaction-timeout-ms (" + kafka.transactionTimeoutMs
                    + ") must exceed checkpoint.interval-ms (" + checkpoint.intervalMs
                    + "): transactions stay open for a whole checkpoint interval");
        }
        return errors;
    }

    /** @throws InvalidConfigException listing every problem, when there is any */
    public JobConfig validated() {
        List<String> errors = validate();
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        model.extraCandidates = items.enabled() ? items.candidateDepth : 0;
        model.canaryAuto = canary.auto;
        model.canaryShare = canary.share;
        // model.updates-topic lives on the job's own Kafka cluster.
        model.updatesBootstrapServers = kafka.bootstrapServers;
        model.updatesClientProperties = new java.util.LinkedHashMap<>(kafka.clientProperties());
        // A version is checked against the sequence the job keeps (ServingInvariants).
        model.sequenceMaxLength = sequence.maxLength;
        return this;
    }
}
