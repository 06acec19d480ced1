package io.nextitem.tools.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics, leaving existing ones alone, and returns once every partition's leader serves
 * it. An idempotent producer that starts while the broker is still applying the new partition
 * can lose a batch: its first request fails with NOT_LEADER_OR_FOLLOWER, a later one succeeds,
 * and every retry of the first is then refused as an out-of-order sequence until it expires
 * (KAFKA-14312, KAFKA-15591; seen here as 241 of 20,000 bench clicks never written). A leader in
 * the topic metadata is not enough: the broker publishes it before its replica manager holds the
 * partition, so each partition must also answer a ListOffsets request, which only its leader's
 * replica manager can.
 */
public final class KafkaTopics {
    private static final Duration SERVED_WAIT = Duration.ofSeconds(30);

    private KafkaTopics() {}

    public static void create(String bootstrapServers, int partitions, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        create(bootstrapServers, Map.of(), partitions, names);
    }

    /** As {@link #create(String, int, List)}, with client settings (security) for the admin client. */
    public static void create(String bootstrapServers, Map<String, ?> clientProperties, int partitions, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitServed(admin, names);
        }
    }

    /**
     * Until every partition has a leader in the metadata and answers ListOffsets from it. Right
     * after creation the broker may still answer that it does not know the topic, or is not its
     * leader: both are retriable and retried here, up to {@link #SERVED_WAIT}.
     */
    private static void awaitServed(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + SERVED_WAIT.toNanos();
        String waitingFor = "a leader";
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = ledPartitions(admin, names);
                if (latest != null) {
                    waitingFor = "an answer from its leader";
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " still have a partition without " + waitingFor
                        + " after " + SERVED_WAIT);
            }
            Thread.sleep(50);
        }
    }

    /** Every partition of the topics, or null while one of them has no leader yet. */
    private static Map<TopicPartition, OffsetSpec> ledPartitions(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo p : topic.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return null;
                }
                latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest());
            }
        }
        return latest;
    }
}
